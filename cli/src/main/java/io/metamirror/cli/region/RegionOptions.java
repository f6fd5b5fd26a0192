package io.metamirror.cli.region;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ExitCodes;
import io.metamirror.cli.fleet.FleetFileOptions;
import io.metamirror.cli.fleet.FleetLockOption;
import io.metamirror.cli.fleet.NodeAccessOptions;
import io.metamirror.cli.fleet.OutputFormatOption;
import io.metamirror.cli.fleet.YesOption;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.FleetLock;
import io.metamirror.fleet.region.Operation;
import io.metamirror.fleet.region.RegionDns;
import io.metamirror.fleet.region.RegionOperation;
import io.metamirror.fleet.region.RegionPlan;
import io.metamirror.fleet.region.Step;
import io.metamirror.fleet.spec.FleetSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every {@code region} command shares: the options, and one run: check the fleet file for the
 * region, take the fleet lock, plan from EC2 and Route53, print the plan, ask, run it step by step
 * (one progress line per step on stderr), release the lock.
 */
@Command
final class RegionOptions {
  @Mixin FleetFileOptions file;
  @Mixin NodeAccessOptions nodes;

  @Mixin OutputFormatOption output;

  @Option(names = "--plan", description = "Print the steps and change nothing.")
  boolean planOnly;

  @Mixin YesOption yes;

  @Option(
      names = "--healthy-timeout",
      paramLabel = "S",
      defaultValue = "600",
      description =
          "Seconds the new nodes have to become healthy and synced before the launch is rolled"
              + " back (default: ${DEFAULT-VALUE}).")
  long healthyTimeout;

  @Option(
      names = "--ttl-margin",
      paramLabel = "S",
      defaultValue = "10",
      description =
          "Seconds waited beyond the records' TTL after a DNS change, before old instances are"
              + " terminated (default: ${DEFAULT-VALUE}).")
  long ttlMargin;

  @Option(
      names = "--max-lag",
      paramLabel = "ENTRIES",
      defaultValue = "100",
      description =
          "A node is synced when at most this many entries behind the origin's head"
              + " (default: ${DEFAULT-VALUE}).")
  long maxLag;

  @Mixin FleetLockOption lock;

  int run(CommandOutput cli, Operation op, String region, Integer count)
      throws InterruptedException {
    boolean json = output.json(cli);
    if (count != null && count < 1) {
      throw cli.usageError("--count must be at least 1, got " + count);
    }
    FleetSpec spec = file.read();
    List<String> problems = spec.operationProblems(region, op != Operation.REMOVE);
    if (!problems.isEmpty()) {
      throw new ExitCodes.UserError(String.join("; ", problems));
    }
    int n =
        count != null
            ? count
            : spec.launch().containsKey(region) ? spec.launch().get(region).count() : 1;
    AwsAccess aws = file.aws(spec, System.getenv());
    PrintWriter err = cli.err();
    RegionDns dns = new RegionDns(spec.dns(), new Route53Gateway(aws.route53()));
    RegionOperation operation =
        new RegionOperation(
            spec,
            region,
            new Ec2Fleet(spec.dns().owner(), new Ec2Clients(aws)::forRegion),
            dns,
            nodes.endpoints(spec),
            new HealthProbe(Duration.ofSeconds(4)),
            maxLag,
            new RegionOperation.Timing(
                Duration.ofSeconds(healthyTimeout),
                Duration.ofSeconds(2),
                Duration.ofSeconds(ttlMargin)),
            Route53Gateway.Sleeper.REAL,
            System::nanoTime,
            cli::progress,
            w -> cli.progress("warning: " + w));
    if (planOnly) {
      RegionPlan plan = operation.plan(op, n);
      print(cli, plan, null);
      return plan.error() == null ? 0 : 1;
    }
    try (FleetLock held = lock.acquire(spec, dns)) {
      RegionPlan plan = operation.plan(op, n);
      if (plan.error() != null || plan.isEmpty()) {
        print(cli, plan, null);
        return plan.error() == null ? 0 : 1;
      }
      if (!json) {
        print(cli, plan, null);
      }
      yes.confirm("run these steps?");
      RegionOperation.Outcome outcome = operation.run(plan);
      if (json) {
        print(cli, plan, outcome);
      } else if (!outcome.ok()) {
        cli.err().println("metamirror: " + op.command() + " " + region + ": " + outcome.failure());
      } else {
        cli.out().println(op.command() + " " + region + ": done");
      }
      cli.out().flush();
      cli.err().flush();
      return outcome.ok() ? 0 : 1;
    }
  }

  private void print(CommandOutput cli, RegionPlan plan, RegionOperation.Outcome outcome) {
    PrintWriter out = cli.out();
    if (output.json(cli)) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("operation", plan.operation().command());
      root.put("region", plan.region());
      root.put("generation", plan.generation());
      plan.steps().forEach(s -> root.withArray("steps").add(s.describe()));
      root.withArray("steps");
      root.put("note", plan.note());
      root.put("error", plan.error());
      root.put("applied", outcome != null);
      if (outcome != null) {
        root.put("ok", outcome.ok());
        root.put("failure", outcome.failure());
        root.put("rolledBack", outcome.rolledBack());
      }
      out.println(root);
    } else if (plan.error() != null) {
      cli.err().println("metamirror: " + plan.error());
    } else if (plan.isEmpty()) {
      out.println(plan.note());
    } else {
      out.println(
          plan.operation().command()
              + " "
              + plan.region()
              + (plan.generation() > 0 ? " (generation " + plan.generation() + ")" : "")
              + ": "
              + plan.steps().size()
              + " steps");
      List<Step> steps = plan.steps();
      for (int i = 0; i < steps.size(); i++) {
        out.println("  " + (i + 1) + ". " + steps.get(i).describe());
      }
    }
    out.flush();
    cli.err().flush();
  }
}
