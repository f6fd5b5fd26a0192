package io.metamirror.bench.fleet;

import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.plan.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The pure part of the {@link ResolverSimulation}: answers a name the way Route53 would, from the
 * zone's records and the health of each record's check, for a client nearest to one region. A
 * latency alias at the name picks the client's region, or, when that region has no alias or its
 * target is unhealthy (with evaluate-target-health), the next region (here: the others in name
 * order, as the simulation has no latencies); the region's weighted records answer with the healthy
 * ones. A record's check is healthy when its node's health answered 200, the other way round when
 * the check is inverted (a drill); a record without a check is healthy. As Route53 does, when no
 * target is healthy, all are taken as healthy.
 */
public final class Route53Answers {
  /** One address the answer may hold, with its record's weight. */
  public record Target(String address, long weight) {}

  /**
   * What the resolver knows at one instant.
   *
   * @param invertedChecks the Route53 ids of inverted health checks
   * @param healthyAddresses the addresses whose node answered its health endpoint with 200
   */
  public record Zone(
      List<RecordSet> records, Set<String> invertedChecks, Set<String> healthyAddresses) {
    public Zone {
      records = List.copyOf(records);
      invertedChecks = Set.copyOf(invertedChecks);
      healthyAddresses = Set.copyOf(healthyAddresses);
    }
  }

  private Route53Answers() {}

  /** The A answer for {@code name} to a client nearest to {@code clientRegion}; empty: NXDOMAIN. */
  public static List<Target> answer(Zone zone, String name, String clientRegion) {
    Map<String, RecordSet> aliases = new TreeMap<>();
    for (RecordSet r : zone.records()) {
      if (dnsName(r.name()).equals(dnsName(name))
          && r.type().equals("A")
          && r.isAlias()
          && r.routing().policy() == Routing.Policy.LATENCY) {
        aliases.put(r.routing().region(), r);
      }
    }
    List<String> order = new ArrayList<>(aliases.keySet());
    if (order.remove(clientRegion)) {
      order.add(0, clientRegion);
    }
    for (String region : order) {
      RecordSet alias = aliases.get(region);
      List<Target> healthy = targets(zone, alias.alias().dnsName(), true);
      if (!healthy.isEmpty() || !alias.alias().evaluateTargetHealth()) {
        return healthy.isEmpty() ? targets(zone, alias.alias().dnsName(), false) : healthy;
      }
    }
    return order.isEmpty()
        ? List.of()
        : targets(zone, aliases.get(order.get(0)).alias().dnsName(), false);
  }

  /** One address of {@code answer}, picked by weight as a client's resolver would; null if none. */
  public static String pick(List<Target> answer, SplittableRandom random) {
    long total = answer.stream().mapToLong(t -> Math.max(t.weight(), 0)).sum();
    if (total == 0) {
      return answer.isEmpty() ? null : answer.get(random.nextInt(answer.size())).address();
    }
    long at = random.nextLong(total);
    for (Target t : answer) {
      at -= Math.max(t.weight(), 0);
      if (at < 0) {
        return t.address();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** Whether the record's health check counts it healthy. */
  static boolean healthy(Zone zone, RecordSet r, String address) {
    if (r.healthCheck() == null) {
      return true;
    }
    String check =
        r.healthCheck().startsWith("id:") ? r.healthCheck().substring(3) : r.healthCheck();
    return zone.healthyAddresses().contains(address) != zone.invertedChecks().contains(check);
  }

  /** The weighted A records at {@code target}: the healthy ones, or all. */
  private static List<Target> targets(Zone zone, String target, boolean healthyOnly) {
    List<Target> out = new ArrayList<>();
    for (RecordSet r : zone.records()) {
      if (!dnsName(r.name()).equals(dnsName(target)) || !r.type().equals("A") || r.isAlias()) {
        continue;
      }
      long weight = r.routing().weight() == null ? 1 : r.routing().weight();
      for (String address : r.values()) {
        if (!healthyOnly || healthy(zone, r, address)) {
          out.add(new Target(address, weight));
        }
      }
    }
    return out;
  }

  private static String dnsName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }
}
