package io.metamirror.cli.region;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code metamirror region}: add, replace and remove a region's nodes on EC2. */
@Command(
    name = "region",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description =
        "Add, replace or remove a region's mirror nodes on EC2, with DNS following through the DNS"
            + " manager (docs/DESIGN.md §11). A fleet lock (a TXT record beside the fleet's name)"
            + " keeps two operators apart; --plan shows the steps and changes nothing.",
    subcommands = {RegionAddCommand.class, RegionReplaceCommand.class, RegionRemoveCommand.class})
public final class RegionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
