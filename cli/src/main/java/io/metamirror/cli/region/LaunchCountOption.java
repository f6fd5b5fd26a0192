package io.metamirror.cli.region;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code --count N} of the commands that launch. */
@Command
final class LaunchCountOption {
  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Instances to launch (default: the region's launch count in the fleet file).")
  Integer count;
}
