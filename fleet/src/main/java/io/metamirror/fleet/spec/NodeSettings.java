package io.metamirror.fleet.spec;

import java.net.URI;

/**
 * What every launched node runs ({@code node:} in the fleet file): the origin it follows, the
 * artifact that installs {@code metamirror} (a .deb with the {@code metamirror-mirror.service}
 * unit) and its sha256, the port it serves HTTPS on, and where its TLS certificate and key are
 * fetched from at boot: SSM Parameter Store names, never the material itself (user-data is readable
 * by anyone allowed {@code ec2:DescribeInstanceAttribute}).
 */
public record NodeSettings(
    URI origin,
    int port,
    URI artifactUrl,
    String artifactSha256,
    String tlsCertParameter,
    String tlsKeyParameter) {}
