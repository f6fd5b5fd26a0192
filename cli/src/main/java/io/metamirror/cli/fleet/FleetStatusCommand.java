package io.metamirror.cli.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ExitCodes;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.RegionDns;
import io.metamirror.fleet.spec.FleetSpec;
import io.metamirror.fleet.status.FleetStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror fleet status}: one row per instance. */
@Command(
    name = "status",
    description =
        "One row per instance of the fleet (not terminated) in every region of the fleet file:"
            + " region, instance, generation, EC2 state, in DNS, health, node id, seq lag, probe"
            + " latency, version.")
public final class FleetStatusCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin FleetFileOptions file;
  @Mixin NodeAccessOptions nodes;

  @Mixin OutputFormatOption output;

  @Override
  public Integer call() throws InterruptedException {
    boolean json = output.json(cli);
    FleetSpec spec = file.read();
    if (!spec.dns().discoversNodes()) {
      throw new ExitCodes.UserError(
          "fleet status needs discover: ec2 and the regions in the fleet file");
    }
    AwsAccess aws = file.aws(spec, System.getenv());
    PrintWriter err = cli.err();
    List<FleetStatus.Row> rows =
        FleetStatus.rows(
            spec.dns().discoverRegions(),
            new Ec2Fleet(spec.dns().owner(), new Ec2Clients(aws)::forRegion),
            new RegionDns(spec.dns(), new Route53Gateway(aws.route53())),
            nodes.endpoints(spec),
            new HealthProbe(Duration.ofSeconds(4)),
            w -> err.println("warning: " + w));
    PrintWriter out = cli.out();
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ArrayNode list = m.createObjectNode().putArray("nodes");
      rows.forEach(r -> list.add(m.valueToTree(r)));
      out.println(m.createObjectNode().set("nodes", list));
    } else {
      String format = "%-14s %-20s %3s %-13s %-3s %-13s %-20s %5s %8s %s%n";
      out.printf(
          format,
          "REGION",
          "INSTANCE",
          "GEN",
          "EC2",
          "DNS",
          "HEALTH",
          "NODE",
          "LAG",
          "LATENCY",
          "VERSION");
      for (FleetStatus.Row r : rows) {
        out.printf(
            format,
            r.region(),
            r.instanceId(),
            r.generation(),
            r.ec2State(),
            r.inDns() ? "yes" : "no",
            r.health(),
            r.node() == null ? "-" : r.node(),
            r.lagEntries() < 0 ? "-" : Long.toString(r.lagEntries()),
            r.latencyMillis() < 0 ? "-" : r.latencyMillis() + " ms",
            r.version() == null ? "-" : r.version());
      }
    }
    out.flush();
    err.flush();
    return 0;
  }
}
