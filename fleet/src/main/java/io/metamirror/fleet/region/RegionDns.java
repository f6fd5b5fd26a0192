package io.metamirror.fleet.region;

import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.ActualState;
import io.metamirror.dns.plan.DesiredState;
import io.metamirror.dns.plan.Plan;
import io.metamirror.dns.plan.Planner;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.route53.Route53Gateway;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A region's part of DNS, changed through the DNS manager's planner and gateway: the desired state
 * is what Route53 holds for every other region (read back from the records, so a region operation
 * never changes another region) plus the nodes this region should have. Replacing a region's nodes
 * changes one name ({@code <region>.<name>}), so its records move in one change batch; adding or
 * removing a region also changes the latency alias at {@code name}, in a second batch after (add)
 * or before (remove) the region's own.
 */
public final class RegionDns {
  private final FleetFile fleet;
  private final Route53Gateway gateway;
  private String zoneId;

  public RegionDns(FleetFile fleet, Route53Gateway gateway) {
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
  }

  public Route53Gateway gateway() {
    return gateway;
  }

  public synchronized String zoneId() {
    if (zoneId == null) {
      zoneId = gateway.zoneId(fleet.zoneName(), fleet.zoneId());
    }
    return zoneId;
  }

  /** Region → the nodes its owned records point at, as Route53 holds them now. */
  public Map<String, List<Node>> nodesByRegion() {
    return nodesByRegion(gateway.read(zoneId(), fleet.owner()), fleet.owner(), fleet.name());
  }

  static Map<String, List<Node>> nodesByRegion(ActualState actual, String owner, String name) {
    Set<String> owned = new HashSet<>();
    String mark = DesiredState.ownershipValue(owner);
    for (RecordSet r : actual.records()) {
      if (r.type().equals("TXT") && r.values().contains(mark)) {
        owned.add(r.name());
      }
    }
    Map<String, String[]> addresses = new TreeMap<>();
    Map<String, String> regionOf = new TreeMap<>();
    String suffix = "." + name;
    for (RecordSet r : actual.records()) {
      boolean address = r.type().equals("A") || r.type().equals("AAAA");
      if (!address || r.isAlias() || r.setIdentifier() == null || !owned.contains(r.name())) {
        continue;
      }
      if (!r.name().endsWith(suffix) || r.values().isEmpty()) {
        continue;
      }
      String region = r.name().substring(0, r.name().length() - suffix.length());
      String[] a = addresses.computeIfAbsent(r.setIdentifier(), k -> new String[2]);
      a[r.type().equals("A") ? 0 : 1] = r.values().get(0);
      regionOf.put(r.setIdentifier(), region);
    }
    Map<String, List<Node>> out = new TreeMap<>();
    addresses.forEach(
        (id, a) ->
            out.computeIfAbsent(regionOf.get(id), k -> new ArrayList<>())
                .add(new Node(id, regionOf.get(id), a[0], a[1])));
    return out;
  }

  /**
   * Makes {@code region}'s records point at exactly {@code nodes} (none: the region leaves DNS),
   * every batch waited on until INSYNC.
   *
   * @throws IllegalStateException when the plan has errors (a record the fleet does not own) or a
   *     change failed; the message says which
   */
  public List<String> point(String region, List<Node> nodes, Consumer<String> log) {
    ActualState actual = gateway.read(zoneId(), fleet.owner());
    List<Node> desired = new ArrayList<>();
    nodesByRegion(actual, fleet.owner(), fleet.name())
        .forEach(
            (r, n) -> {
              if (!r.equals(region)) {
                desired.addAll(n);
              }
            });
    desired.addAll(nodes);
    Plan plan =
        new Planner()
            .plan(
                DesiredState.of(
                    fleet.owner(),
                    zoneId(),
                    fleet.name(),
                    fleet.ttl(),
                    fleet.healthCheck(),
                    desired),
                actual);
    if (!plan.errors().isEmpty()) {
      throw new IllegalStateException("DNS plan refused: " + String.join("; ", plan.errors()));
    }
    Route53Gateway.ApplyReport report = gateway.apply(zoneId(), plan, log);
    if (!report.ok()) {
      throw new IllegalStateException("DNS change failed: " + String.join("; ", report.failures()));
    }
    return report.applied();
  }
}
