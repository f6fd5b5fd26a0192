package io.metamirror.cli.region;

import io.metamirror.fleet.region.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror region add}. */
@Command(
    name = "add",
    description =
        "Launch N instances of the region (default: its launch count), wait until every one is healthy and synced, then add the region to DNS. Resumes an interrupted run: state is only in EC2 tags and Route53.")
public final class RegionAddCommand extends RegionSubcommand {
  @Mixin LaunchCountOption launch;

  @Override
  Operation operation() {
    return Operation.ADD;
  }

  @Override
  Integer count() {
    return launch.count;
  }
}
