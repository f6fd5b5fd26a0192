package io.metamirror.fleet.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.dns.fleet.FleetFileExtension;
import io.metamirror.dns.fleet.FleetFileFields;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fleet module's keys of the fleet file:
 *
 * <pre>
 * node:
 *   origin: https://origin.example.test          # required: the origin every node follows
 *   port: 443                                    # optional: HTTPS port; default healthCheck.port
 *   artifact:
 *     url: https://dl.example.test/metamirror_0.1.0_all.deb   # required
 *     sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08   # required
 *   tls:
 *     certParameter: /metamirror/demo/tls-cert   # required: SSM parameter names, never the PEMs
 *     keyParameter: /metamirror/demo/tls-key     # (a SecureString)
 * regions:
 *   eu-west-1:
 *     launch:
 *       ami: ami-0123456789abcdef0               # required
 *       instanceType: t3.small                   # required
 *       subnets: [subnet-0123456789abcdef0]      # optional: spread in turn; default VPC without
 *       securityGroups: [sg-0123456789abcdef0]   # optional
 *       instanceProfile: metamirror-node         # optional: name or ARN; needed to read SSM
 *       count: 2                                 # optional: 1..20, default 2
 * </pre>
 *
 * Every value that reaches the user-data is held to a character set without quotes, backslashes,
 * {@code $}, braces or white space, so it can be placed in the template as is (see {@code
 * UserDataTemplate}).
 */
final class FleetSettingsReader implements FleetFileExtension<FleetSpec.Settings> {
  private static final Set<String> NODE_KEYS = Set.of("origin", "port", "artifact", "tls");
  private static final Set<String> ARTIFACT_KEYS = Set.of("url", "sha256");
  private static final Set<String> TLS_KEYS = Set.of("certParameter", "keyParameter");
  private static final Set<String> LAUNCH_KEYS =
      Set.of("ami", "instanceType", "subnets", "securityGroups", "instanceProfile", "count");
  // RFC 3986 characters less quotes, '$', braces and '\': safe inside a quoted YAML scalar, in
  // a shell argument and in a terraform template.
  private static final Pattern URL_CHARS =
      Pattern.compile("https?://[A-Za-z0-9._~:/?#\\[\\]@!&()*+,;=%-]+");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SSM_NAME = Pattern.compile("/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
  private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");
  private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
  private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");
  private static final Pattern INSTANCE_PROFILE =
      Pattern.compile(
          "(arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile/)?[A-Za-z0-9+=,.@_/-]{1,128}");

  @Override
  public Set<String> topLevelKeys() {
    return Set.of("node");
  }

  @Override
  public Set<String> regionKeys() {
    return Set.of("launch");
  }

  @Override
  public FleetSpec.Settings read(JsonNode root, FleetFileFields fields) {
    return new FleetSpec.Settings(node(root, fields), launch(root, fields));
  }

  private static NodeSettings node(JsonNode root, FleetFileFields f) {
    JsonNode n = f.mapping(root, "", "node", NODE_KEYS);
    if (n == null) {
      return null;
    }
    int before = f.count();
    URI origin = url(n, "/node", "origin", f);
    JsonNode healthCheck = root.path("healthCheck").path("port");
    int port =
        f.integer(n, "/node", "port", healthCheck.isInt() ? healthCheck.asInt() : 443, 1, 65535);
    JsonNode artifact = f.mapping(n, "/node", "artifact", ARTIFACT_KEYS);
    JsonNode tls = f.mapping(n, "/node", "tls", TLS_KEYS);
    if (artifact == null && !n.has("artifact")) {
      f.problem("/node", "artifact is required (url and sha256 of the metamirror package)");
    }
    if (tls == null && !n.has("tls")) {
      f.problem("/node", "tls is required (certParameter and keyParameter in SSM)");
    }
    URI artifactUrl = artifact == null ? null : url(artifact, "/node/artifact", "url", f);
    String sha256 =
        artifact == null
            ? null
            : f.matching(
                artifact, "/node/artifact", "sha256", true, SHA256, "64 lower-case hex digits");
    String cert =
        tls == null
            ? null
            : f.matching(
                tls, "/node/tls", "certParameter", true, SSM_NAME, "an SSM parameter name");
    String key =
        tls == null
            ? null
            : f.matching(tls, "/node/tls", "keyParameter", true, SSM_NAME, "an SSM parameter name");
    if (f.reportedSince(before)) {
      return null;
    }
    return new NodeSettings(origin, port, artifactUrl, sha256, cert, key);
  }

  private static URI url(JsonNode obj, String at, String key, FleetFileFields f) {
    String v =
        f.matching(obj, at, key, true, URL_CHARS, "an http(s) URL without quotes, $ or braces");
    if (v == null) {
      return null;
    }
    try {
      URI u = new URI(v);
      if (u.getHost() == null) {
        f.problem(at + "/" + key, "has no host: \"" + v + "\"");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      f.problem(at + "/" + key, "not a URL: " + e.getMessage());
      return null;
    }
  }

  private static Map<String, LaunchSettings> launch(JsonNode root, FleetFileFields f) {
    Map<String, LaunchSettings> out = new LinkedHashMap<>();
    JsonNode regions = root.get("regions");
    if (regions == null || !regions.isObject()) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = regions.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isObject()) {
        continue;
      }
      String at = "/regions/" + e.getKey();
      JsonNode l = f.mapping(e.getValue(), at, "launch", LAUNCH_KEYS);
      if (l == null) {
        continue;
      }
      at = at + "/launch";
      int before = f.count();
      String ami = f.matching(l, at, "ami", true, AMI, "an AMI id (ami-...)");
      String type = f.matching(l, at, "instanceType", true, INSTANCE_TYPE, "an instance type");
      List<String> subnets = f.matchingList(l, at, "subnets", SUBNET, "a subnet id (subnet-...)");
      List<String> groups =
          f.matchingList(l, at, "securityGroups", SECURITY_GROUP, "a security group id (sg-...)");
      String profile =
          f.matching(l, at, "instanceProfile", false, INSTANCE_PROFILE, "an instance profile");
      int count = f.integer(l, at, "count", LaunchSettings.DEFAULT_COUNT, 1, 20);
      if (!f.reportedSince(before)) {
        out.put(e.getKey(), new LaunchSettings(ami, type, subnets, groups, profile, count));
      }
    }
    return out;
  }
}
