package io.metamirror.dns.fleet;

import java.util.Objects;

/**
 * One mirror node as DNS sees it: its id (the SetIdentifier of its records), its region and its
 * public addresses. At least one address is set.
 */
public record Node(String id, String region, String ipv4, String ipv6) {
  public Node {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(region, "region");
    if (ipv4 == null && ipv6 == null) {
      throw new IllegalArgumentException("node " + id + " has neither ipv4 nor ipv6");
    }
  }

  /** The address its health check probes: IPv4 when it has one. */
  public String healthCheckAddress() {
    return ipv4 != null ? ipv4 : ipv6;
  }
}
