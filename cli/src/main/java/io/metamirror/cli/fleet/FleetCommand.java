package io.metamirror.cli.fleet;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code metamirror fleet}: the whole fleet at a glance. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description =
        "The fleet's instances on EC2, their DNS membership and their health (docs/DESIGN.md §11).",
    subcommands = {FleetStatusCommand.class, FleetDrillCommand.class})
public final class FleetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
