package io.metamirror.cli.dns;

import io.metamirror.cli.fleet.FleetFileOptions;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.reconcile.Reconciler;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Discovery;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The options every {@code dns} command shares, and the reconciler they build. */
@Command
final class DnsOptions {
  @Mixin FleetFileOptions file;

  FleetFile readFleet() {
    return file.read().dns();
  }

  Reconciler reconciler(FleetFile f, boolean probe, Map<String, String> env) {
    AwsAccess aws = AwsAccess.resolve(file.awsEndpoint(), f.awsEndpoint(), env);
    return new Reconciler(
        f,
        new Route53Gateway(aws.route53()),
        f.discoversNodes() ? new Ec2Discovery(new Ec2Clients(aws)::forRegion) : null,
        probe ? new HealthProbe(Duration.ofSeconds(4)) : null);
  }
}
