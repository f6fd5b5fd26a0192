package io.metamirror.cli.region;

import io.metamirror.cli.CommandOutput;
import io.metamirror.fleet.region.Operation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code metamirror region remove}. */
@Command(
    name = "remove",
    description =
        "Take the region out of DNS, wait the TTL and a margin, terminate its instances. Resumes an interrupted run: state is only in EC2 tags and Route53.")
public final class RegionRemoveCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin RegionOptions options;

  @Parameters(index = "0", paramLabel = "REGION", description = "The AWS region, e.g. eu-west-1.")
  String region;

  @Override
  public Integer call() throws InterruptedException {
    return options.run(cli, Operation.REMOVE, region, null);
  }
}
