package io.metamirror.dns.plan;

import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.dns.fleet.Node;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records and health checks the fleet should have (DESIGN §7), for {@code name} = {@code
 * repo.example.test.} and a node {@code eu1} of {@code eu-west-1}:
 *
 * <pre>
 * repo.example.test.            A    latency eu-west-1  alias → eu-west-1.repo.example.test. (evaluate target health)
 * repo.example.test.            TXT  "heritage=metamirror,metamirror/owner=demo"
 * eu-west-1.repo.example.test.  A    [eu1] weighted 1, ttl 60, 203.0.113.10, health check eu-west-1:eu1
 * eu-west-1.repo.example.test.  TXT  "heritage=metamirror,metamirror/owner=demo"
 * health check eu-west-1:eu1    HTTPS 203.0.113.10:443/.metamirror/health, tags owner/region/node
 * </pre>
 *
 * AAAA records (and AAAA aliases) appear where nodes have IPv6 addresses. A region without nodes
 * has no records; a fleet without nodes has none at all.
 */
public record DesiredState(
    String owner,
    String zoneId,
    String name,
    List<RecordSet> records,
    List<HealthCheckSpec> healthChecks) {
  public DesiredState {
    records = List.copyOf(records);
    healthChecks = List.copyOf(healthChecks);
  }

  /** The TXT value that marks a name as this owner's. */
  public static String ownershipValue(String owner) {
    return "\"heritage=metamirror,metamirror/owner=" + owner + "\"";
  }

  public static DesiredState of(
      String owner,
      String zoneId,
      String name,
      long ttl,
      HealthCheckSettings health,
      List<Node> nodes) {
    Map<String, List<Node>> byRegion = new TreeMap<>();
    for (Node n : nodes) {
      byRegion.computeIfAbsent(n.region(), r -> new ArrayList<>()).add(n);
    }
    List<RecordSet> records = new ArrayList<>();
    List<HealthCheckSpec> checks = new ArrayList<>();
    String txt = ownershipValue(owner);
    String fqdn = name.substring(0, name.length() - 1);
    for (Map.Entry<String, List<Node>> e : byRegion.entrySet()) {
      String region = e.getKey();
      String regionName = region + "." + name;
      List<Node> regionNodes = new ArrayList<>(e.getValue());
      regionNodes.sort(Comparator.comparing(Node::id));
      boolean v4 = false;
      boolean v6 = false;
      for (Node n : regionNodes) {
        String key = region + ":" + n.id();
        if (n.ipv4() != null) {
          v4 = true;
          records.add(
              new RecordSet(
                  regionName, "A", n.id(), Routing.weighted(1), ttl, List.of(n.ipv4()), null, key));
        }
        if (n.ipv6() != null) {
          v6 = true;
          records.add(
              new RecordSet(
                  regionName,
                  "AAAA",
                  n.id(),
                  Routing.weighted(1),
                  ttl,
                  List.of(n.ipv6()),
                  null,
                  key));
        }
        checks.add(healthCheck(owner, key, region, n, fqdn, health));
      }
      records.add(
          new RecordSet(regionName, "TXT", null, Routing.simple(), ttl, List.of(txt), null, null));
      AliasTarget target = new AliasTarget(regionName, zoneId, true);
      if (v4) {
        records.add(
            new RecordSet(
                name, "A", region, Routing.latency(region), null, List.of(), target, null));
      }
      if (v6) {
        records.add(
            new RecordSet(
                name, "AAAA", region, Routing.latency(region), null, List.of(), target, null));
      }
    }
    if (!byRegion.isEmpty()) {
      records.add(
          new RecordSet(name, "TXT", null, Routing.simple(), ttl, List.of(txt), null, null));
    }
    return new DesiredState(owner, zoneId, name, records, checks);
  }

  private static HealthCheckSpec healthCheck(
      String owner, String key, String region, Node n, String fqdn, HealthCheckSettings h) {
    String ip = n.healthCheckAddress();
    String reference =
        "metamirror-"
            + sha256Hex(
                    String.join(
                        "\0",
                        owner,
                        key,
                        h.type(),
                        Integer.toString(h.interval()),
                        ip,
                        Integer.toString(h.port()),
                        h.path(),
                        Integer.toString(h.failureThreshold())))
                .substring(0, 40);
    return new HealthCheckSpec(
        key,
        reference,
        h.type(),
        ip,
        h.port(),
        h.path(),
        fqdn,
        h.interval(),
        h.failureThreshold(),
        Map.of(
            HealthCheckSpec.TAG_OWNER,
            owner,
            HealthCheckSpec.TAG_REGION,
            region,
            HealthCheckSpec.TAG_NODE,
            n.id(),
            "Name",
            "metamirror " + owner + " " + region + " " + n.id()));
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
