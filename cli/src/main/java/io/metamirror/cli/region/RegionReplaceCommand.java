package io.metamirror.cli.region;

import io.metamirror.cli.CommandOutput;
import io.metamirror.fleet.region.Operation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code metamirror region replace}. */
@Command(
    name = "replace",
    description =
        "Launch a new generation, wait until it is healthy and synced (else terminate it, leave DNS alone and exit 1), point the region's records at it in one change batch, wait the TTL and a margin, terminate the old generation. Resumes an interrupted run: state is only in EC2 tags and Route53.")
public final class RegionReplaceCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin RegionOptions options;

  @Parameters(index = "0", paramLabel = "REGION", description = "The AWS region, e.g. eu-west-1.")
  String region;

  @Mixin LaunchCountOption launch;

  @Override
  public Integer call() throws InterruptedException {
    return options.run(cli, Operation.REPLACE, region, launch.count);
  }
}
