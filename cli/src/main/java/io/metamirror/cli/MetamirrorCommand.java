package io.metamirror.cli;

import io.metamirror.cli.origin.OriginCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root of the command tree. */
@Command(
    name = "metamirror",
    // Not scope = INHERIT here: subcommands would inherit the footer below as well. Each command
    // group (origin, composer, sync, mirror, dns, region, fleet) passes --help and --version on
    // instead.
    mixinStandardHelpOptions = true,
    versionProvider = Versions.class,
    description =
        "A self-hosted mini-CDN for package metadata: an origin journals your repository's metadata files, mirror nodes follow it and serve them near your users.",
    subcommands = {
      DemoCommand.class,
      OriginCommand.class,
      PublishCommand.class,
      io.metamirror.cli.composer.ComposerCommand.class,
      io.metamirror.cli.sync.SyncCommand.class,
      io.metamirror.cli.mirror.MirrorCommand.class,
      io.metamirror.cli.dns.DnsCommand.class,
      io.metamirror.cli.region.RegionCommand.class,
      io.metamirror.cli.fleet.FleetCommand.class,
      io.metamirror.cli.config.ConfigCommand.class,
      Versions.class,
      picocli.CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Every option can also come from a YAML file (--config FILE or METAMIRROR_CONFIG), keyed by"
          + " the option's long name without dashes (token-file: /etc/metamirror/token), or from an"
          + " environment variable METAMIRROR_<NAME> (METAMIRROR_TOKEN_FILE). Flags win over the"
          + " file, the file over the environment.",
      ExitCodes.HELP
    })
public final class MetamirrorCommand {
  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "A YAML file of option values (see below).")
  java.nio.file.Path config;

  /** The config file named by {@code --config} (not by METAMIRROR_CONFIG), or null. */
  public java.nio.file.Path config() {
    return config;
  }
}
