package io.metamirror.fleet.simulation;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * For tests against the AWS emulator only: a fleet file for the zone {@code example.test.} with
 * records' TTL 0, {@code discover: ec2}, HTTP health checks, a node artifact that is never
 * downloaded (the {@link InstanceSimulation} runs the node instead) and launch settings of 2
 * instances per region.
 */
public final class EmulatorFleetFile {
  private EmulatorFleetFile() {}

  /**
   * @param amiByRegion the regions, each with an image the emulator has there ({@link #anyImage})
   */
  public static String yaml(
      String owner, String name, String originUrl, Map<String, String> amiByRegion) {
    StringBuilder regions = new StringBuilder();
    new TreeMap<>(amiByRegion)
        .forEach(
            (region, ami) ->
                regions.append(
                    "  %s:\n    launch: {ami: %s, instanceType: t3.micro, count: 2}\n"
                        .formatted(region, ami)));
    return """
        owner: %1$s
        zone: example.test.
        name: %2$s
        ttl: 0
        discover: ec2
        healthCheck: {type: HTTP, port: 80}
        node:
          origin: %3$s
          artifact: {url: https://dl.example.test/metamirror.deb, sha256: %4$s}
          tls: {certParameter: /metamirror/%1$s/cert, keyParameter: /metamirror/%1$s/key}
        regions:
        %5$s"""
        .formatted(owner, name, originUrl, "a".repeat(64), regions);
  }

  /** An image id the emulator's EC2 has in the client's region. */
  public static String anyImage(Ec2Client ec2) {
    return ec2.describeImages(r -> r.maxResults(5)).images().get(0).imageId();
  }
}
