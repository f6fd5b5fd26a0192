package io.metamirror.cli.config;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code metamirror config}: work with configuration files. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description = "Check a YAML configuration file before a service reads it.",
    subcommands = {ConfigCheckCommand.class})
public final class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
