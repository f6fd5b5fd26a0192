package io.metamirror.cli.region;

import io.metamirror.fleet.region.Operation;
import picocli.CommandLine.Command;

/** {@code metamirror region remove}. */
@Command(
    name = "remove",
    description =
        "Take the region out of DNS, wait the TTL and a margin, terminate its instances. Resumes an interrupted run: state is only in EC2 tags and Route53.")
public final class RegionRemoveCommand extends RegionSubcommand {

  @Override
  Operation operation() {
    return Operation.REMOVE;
  }
}
