package io.metamirror.cli.dns;

import io.metamirror.cli.ExitCodes;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.fleet.FleetFileException;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.reconcile.Reconciler;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Discovery;
import io.metamirror.fleet.spec.FleetSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every {@code dns} command shares, and the reconciler they build. */
final class DnsOptions {
  @Option(
      names = "--fleet",
      paramLabel = "FILE",
      description = "The fleet file (YAML; schema in the README) (required).")
  Path fleet;

  @Option(
      names = "--aws-endpoint",
      paramLabel = "URL",
      description =
          "AWS API endpoint (moto_server, LocalStack); wins over the fleet file's awsEndpoint and"
              + " AWS_ENDPOINT_URL. Without any: real AWS.")
  URI awsEndpoint;

  FleetFile readFleet() {
    return readSpec().dns();
  }

  /**
   * The whole fleet file, the fleet module's node and launch settings included: {@code dns}
   * commands accept the files that {@code region} commands use, and check all of them.
   */
  FleetSpec readSpec() {
    if (fleet == null) {
      throw new ExitCodes.UserError("missing --fleet FILE");
    }
    if (!Files.isRegularFile(fleet)) {
      throw new ExitCodes.UserError("fleet file not found: " + fleet);
    }
    try {
      return FleetSpec.parse(fleet);
    } catch (FleetFileException e) {
      throw new ExitCodes.UserError(e.getMessage());
    } catch (IOException e) {
      throw new ExitCodes.UserError("cannot read fleet file " + fleet + ": " + e.getMessage());
    }
  }

  Reconciler reconciler(FleetFile f, boolean probe, Map<String, String> env) {
    AwsAccess aws = AwsAccess.resolve(awsEndpoint, f.awsEndpoint(), env);
    return new Reconciler(
        f,
        new Route53Gateway(aws.route53()),
        f.discoversNodes() ? new Ec2Discovery(new Ec2Clients(aws)::forRegion) : null,
        probe ? new HealthProbe(Duration.ofSeconds(4)) : null);
  }
}
