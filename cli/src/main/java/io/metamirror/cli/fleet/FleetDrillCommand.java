package io.metamirror.cli.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ExitCodes;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.region.FleetLock;
import io.metamirror.fleet.region.RegionDns;
import io.metamirror.fleet.region.RegionDrill;
import io.metamirror.fleet.spec.FleetSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code metamirror fleet drill REGION --minutes M}. */
@Command(
    name = "drill",
    description =
        "Game day: invert the health checks of the region's nodes (Route53 then answers with other"
            + " regions), wait M minutes, revert them; records and instances are not touched."
            + " Reports whether the region left DNS and came back. If interrupted while out, run it"
            + " again with --minutes 0.")
public final class FleetDrillCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin FleetFileOptions file;
  @Mixin OutputFormatOption output;
  @Mixin FleetLockOption lock;
  @Mixin YesOption yes;

  @Parameters(index = "0", paramLabel = "REGION", description = "The region to take out.")
  String region;

  @Option(
      names = "--minutes",
      paramLabel = "M",
      required = true,
      description = "How long the region stays out of DNS (decimals allowed, e.g. 0.5).")
  double minutes;

  @Override
  public Integer call() throws InterruptedException {
    boolean json = output.json(cli);
    if (minutes < 0 || minutes > 24 * 60) {
      throw cli.usageError("--minutes must be 0..1440, got " + minutes);
    }
    FleetSpec spec = file.read();
    AwsAccess aws = file.aws(spec, System.getenv());
    RegionDns dns = new RegionDns(spec.dns(), new Route53Gateway(aws.route53()));
    Duration away = Duration.ofMillis(Math.round(minutes * 60_000));
    RegionDrill.Report report;
    try (FleetLock held = lock.acquire(spec, dns)) {
      yes.confirm("take " + region + " out of DNS for " + away + "?");
      report =
          new RegionDrill(spec.dns().owner(), dns, Route53Gateway.Sleeper.REAL, cli::progress)
              .run(region, away);
    } catch (IllegalStateException e) {
      throw new ExitCodes.UserError(e.getMessage());
    }
    PrintWriter out = cli.out();
    if (json) {
      ObjectNode root = new ObjectMapper().valueToTree(report);
      root.put("seconds", away.toMillis() / 1000.0);
      out.println(root);
    } else {
      out.println(
          "drill "
              + region
              + ": left DNS "
              + (report.leftDns() ? "yes" : "NO")
              + ", back in DNS "
              + (report.backInDns() ? "yes" : "NO")
              + " ("
              + report.healthChecks()
              + " health checks, "
              + away
              + " out)");
    }
    out.flush();
    return report.leftDns() && report.backInDns() ? 0 : 1;
  }
}
