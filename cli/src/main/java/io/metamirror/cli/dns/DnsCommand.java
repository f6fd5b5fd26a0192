package io.metamirror.cli.dns;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code metamirror dns}: Route53 latency records and health checks for the fleet. */
@Command(
    name = "dns",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description =
        "Keep Route53 equal to the fleet file: a latency alias per region pointing at per-node"
            + " records, each with its own HTTPS health check (docs/DESIGN.md §7). The AWS endpoint comes"
            + " from --aws-endpoint, else the fleet file's awsEndpoint, else AWS_ENDPOINT_URL.",
    subcommands = {DnsPlanCommand.class, DnsApplyCommand.class, DnsWatchCommand.class})
public final class DnsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
