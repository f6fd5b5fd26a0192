package io.metamirror.dns.reconcile;

import io.metamirror.dns.ec2.Ec2Discovery;
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
import java.util.Set;
import java.util.function.Consumer;

/**
 * One reconcile pass, as the CLI runs it: nodes (fleet file, plus EC2 when {@code discover: ec2}),
 * optionally probed (a node whose own health says draining is left out of DNS), desired state,
 * actual state, plan; then apply.
 */
public final class Reconciler {
  /** One pass's findings: the zone, every node, what the probe said (empty without), the plan. */
  public record Outcome(
      String zoneId, List<Node> nodes, Map<String, HealthProbe.Result> probes, Plan plan) {}

  private final FleetFile fleet;
  private final Route53Gateway gateway;
  private final Ec2Discovery discovery;
  private final HealthProbe probe;

  /** {@code discovery} and {@code probe} may be {@code null} when not used. */
  public Reconciler(
      FleetFile fleet, Route53Gateway gateway, Ec2Discovery discovery, HealthProbe probe) {
    this.fleet = fleet;
    this.gateway = gateway;
    this.discovery = discovery;
    this.probe = probe;
  }

  public Outcome plan(Consumer<String> warnings) {
    List<Node> nodes = new ArrayList<>(fleet.staticNodes());
    if (fleet.discoversEc2()) {
      if (discovery == null) {
        throw new IllegalStateException("the fleet file says discover: ec2 but no EC2 access");
      }
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
