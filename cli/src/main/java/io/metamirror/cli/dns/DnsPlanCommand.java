package io.metamirror.cli.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.CommandOutput;
import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.ChangeBatch;
import io.metamirror.dns.plan.HealthCheckChange;
import io.metamirror.dns.plan.Plan;
import io.metamirror.dns.plan.RecordChange;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.reconcile.Reconciler;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror dns plan}: what apply would change, changing nothing. */
@Command(
    name = "plan",
    description =
        "Show what `dns apply` would change: health checks to create, update or delete and the"
            + " record batches, in order. Exit 1 when the plan has errors (a conflict with a record"
            + " the fleet does not own, or something Route53 would refuse).")
public final class DnsPlanCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin DnsOptions options;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default) or json: one object whose `changes` is empty when in sync.")
  String output;

  @Option(
      names = "--probe",
      description =
          "Also fetch each node's health endpoint; draining nodes are marked and left out of DNS.")
  boolean probe;

  @Override
  public Integer call() {
    if (!output.equals("text") && !output.equals("json")) {
      throw cli.usageError("--output must be text or json, got " + output);
    }
    FleetFile fleet = options.readFleet();
    PrintWriter out = cli.out();
    PrintWriter err = cli.err();
    Reconciler.Outcome o =
        options.reconciler(fleet, probe, System.getenv()).plan(w -> err.println("warning: " + w));
    if (output.equals("json")) {
      out.println(json(fleet, o));
    } else {
      text(o).forEach(out::println);
    }
    out.flush();
    err.flush();
    return o.plan().errors().isEmpty() ? 0 : 1;
  }

  static List<String> text(Reconciler.Outcome o) {
    List<String> lines = new java.util.ArrayList<>();
    for (Node n : o.nodes()) {
      HealthProbe.Result r = o.probes().get(n.id());
      if (r != null && r.status() != HealthProbe.Status.OK) {
        lines.add(
            "node "
                + n.id()
                + " ("
                + n.region()
                + ") "
                + r.status()
                + ": "
                + r.detail()
                + (r.status() == HealthProbe.Status.DRAINING ? " — left out of DNS" : ""));
      }
    }
    lines.addAll(o.plan().describe());
    return lines;
  }

  static String json(FleetFile fleet, Reconciler.Outcome o) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("owner", fleet.owner());
    root.put("zoneId", o.zoneId());
    root.put("name", fleet.name());
    Plan plan = o.plan();
    ArrayNode changes = root.putArray("changes");
    for (HealthCheckChange c : plan.healthChecksFirst()) {
      healthCheck(changes.addObject(), c);
    }
    List<ChangeBatch> batches = plan.batches();
    for (int i = 0; i < batches.size(); i++) {
      for (RecordChange c : batches.get(i).changes()) {
        ObjectNode n = changes.addObject();
        n.put("kind", "record");
        n.put("batch", i + 1);
        n.put("action", c.action().name());
        n.put("name", c.record().name());
        n.put("type", c.record().type());
        n.put("setIdentifier", c.record().setIdentifier());
        n.put("routing", c.record().routing().toString());
        if (c.record().ttl() != null) {
          n.put("ttl", c.record().ttl());
        }
        if (c.record().isAlias()) {
          n.put("aliasTarget", c.record().alias().dnsName());
        } else {
          c.record().values().forEach(n.putArray("values")::add);
        }
        n.put("healthCheck", c.record().healthCheck());
      }
    }
    for (HealthCheckChange c : plan.healthChecksLast()) {
      healthCheck(changes.addObject(), c);
    }
    root.put("batches", batches.size());
    ArrayNode errors = root.putArray("errors");
    plan.errors().forEach(errors::add);
    ObjectNode probes = root.putObject("probes");
    o.probes()
        .forEach(
            (id, r) ->
                probes.putObject(id).put("status", r.status().name()).put("detail", r.detail()));
    return root.toString();
  }

  private static void healthCheck(ObjectNode n, HealthCheckChange c) {
    n.put("kind", "healthCheck");
    n.put("action", c.action().name());
    n.put("id", c.id());
    var spec = c.spec() != null ? c.spec() : c.previous();
    n.put("key", spec.key());
    n.put("ipAddress", spec.ipAddress());
    n.put("port", spec.port());
    n.put("path", spec.resourcePath());
  }
}
