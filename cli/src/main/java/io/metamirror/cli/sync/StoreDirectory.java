package io.metamirror.cli.sync;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store} of the commands that look at an existing store: status and verify. */
final class StoreDirectory {
  @Option(
      names = "--store",
      required = true,
      paramLabel = "DIR",
      description = "The store directory.")
  Path path;
}
