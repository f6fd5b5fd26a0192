package io.metamirror.dns.reconcile;

import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.DesiredState;
import io.metamirror.dns.plan.Plan;
import io.metamirror.dns.plan.Planner;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.route53.Route53Gateway;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One reconcile pass, as the CLI runs it: nodes (the fleet file's, plus those a {@link
 * NodeDiscovery} finds when the file asks for discovery), optionally probed (a node whose own
 * health says draining is left out of DNS), desired state, actual state, plan; then apply.
 */
public final class Reconciler {
  /** One pass's findings: the zone, every node, what the probe said (empty without), the plan. */
  public record Outcome(
      String zoneId, List<Node> nodes, Map<String, HealthProbe.Result> probes, Plan plan) {}

  private final FleetFile fleet;
  private final Route53Gateway gateway;
  private final NodeDiscovery discovery;
  private final HealthProbe probe;

  /**
   * @param discovery {@code null} unless the fleet file asks for discovery
   * @param probe {@code null} to put every node in DNS without asking it
   */
  public Reconciler(
      FleetFile fleet, Route53Gateway gateway, NodeDiscovery discovery, HealthProbe probe) {
    if (fleet.discoversNodes() && discovery == null) {
      throw new IllegalArgumentException(
          "the fleet file of " + fleet.owner() + " asks for node discovery but none was given");
    }
    this.fleet = fleet;
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.discovery = discovery;
    this.probe = probe;
  }

  public Outcome plan(Consumer<String> warnings) {
    List<Node> nodes = new ArrayList<>(fleet.staticNodes());
    if (fleet.discoversNodes()) {
      Set<String> ids = new HashSet<>();
      nodes.forEach(n -> ids.add(n.id()));
      for (Node n : discovery.discover(fleet.owner(), fleet.discoverRegions(), warnings)) {
        if (ids.add(n.id())) {
          nodes.add(n);
        } else {
          warnings.accept(
              "discovered node " + n.id() + " is also listed in the fleet file; skipped");
        }
      }
    }
    Map<String, HealthProbe.Result> probes = new LinkedHashMap<>();
    List<Node> inDns = nodes;
    if (probe != null) {
      probes.putAll(probe.probe(nodes, fleet.healthCheck()));
      inDns =
          nodes.stream()
              .filter(n -> probes.get(n.id()).status() != HealthProbe.Status.DRAINING)
              .toList();
    }
    String zoneId = gateway.zoneId(fleet.zoneName(), fleet.zoneId());
    DesiredState desired =
        DesiredState.of(
            fleet.owner(), zoneId, fleet.name(), fleet.ttl(), fleet.healthCheck(), inDns);
    Plan plan = new Planner().plan(desired, gateway.read(zoneId, fleet.owner()));
    return new Outcome(zoneId, nodes, probes, plan);
  }

  public Route53Gateway.ApplyReport apply(Outcome outcome, Consumer<String> log) {
    return gateway.apply(outcome.zoneId(), outcome.plan(), log);
  }
}
