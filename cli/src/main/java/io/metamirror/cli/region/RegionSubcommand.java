package io.metamirror.cli.region;

import io.metamirror.cli.CommandOutput;
import io.metamirror.fleet.region.Operation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * What {@code region add|replace|remove} share: the region argument and the options; a subclass
 * names its {@link Operation} and, if it launches, its count. Designed for those three only.
 */
abstract class RegionSubcommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin RegionOptions options;

  @Parameters(index = "0", paramLabel = "REGION", description = "The AWS region, e.g. eu-west-1.")
  String region;

  abstract Operation operation();

  /** {@code --count}, or {@code null} (the fleet file's count; none for remove). */
  Integer count() {
    return null;
  }

  @Override
  public final Integer call() throws InterruptedException {
    return options.run(cli, operation(), region, count());
  }
}
