package io.metamirror.cli.region;

import io.metamirror.fleet.region.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror region replace}. */
@Command(
    name = "replace",
    description =
        "Launch a new generation, wait until it is healthy and synced (else terminate it, leave DNS alone and exit 1), point the region's records at it in one change batch, wait the TTL and a margin, terminate the old generation. Resumes an interrupted run: state is only in EC2 tags and Route53.")
public final class RegionReplaceCommand extends RegionSubcommand {
  @Mixin LaunchCountOption launch;

  @Override
  Operation operation() {
    return Operation.REPLACE;
  }

  @Override
  Integer count() {
    return launch.count;
  }
}
