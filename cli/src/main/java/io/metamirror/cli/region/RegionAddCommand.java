package io.metamirror.cli.region;

import io.metamirror.cli.CommandOutput;
import io.metamirror.fleet.region.Operation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code metamirror region add}. */
@Command(
    name = "add",
    description =
        "Launch N instances of the region (default: its launch count), wait until every one is healthy and synced, then add the region to DNS. Resumes an interrupted run: state is only in EC2 tags and Route53.")
public final class RegionAddCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin RegionOptions options;

  @Parameters(index = "0", paramLabel = "REGION", description = "The AWS region, e.g. eu-west-1.")
  String region;

  @Mixin LaunchCountOption launch;

  @Override
  public Integer call() throws InterruptedException {
    return options.run(cli, Operation.ADD, region, launch.count);
  }
}
