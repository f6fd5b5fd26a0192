package io.metamirror.cli.origin;

import io.metamirror.origin.repository.OriginRepository;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options about the data directory, shared by the origin commands. */
public final class OriginOptions {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "The origin's data directory (created with a new epoch when missing or empty).")
  public Path data;

  @Option(
      names = "--retain-entries",
      paramLabel = "N",
      defaultValue = "1000000",
      description =
          "Journal entries the feed can replay; a mirror further behind bootstraps from a"
              + " snapshot (default: ${DEFAULT-VALUE}).")
  long retainEntries;

  @Option(
      names = "--segment-entries",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Entries per journal segment file; retention drops whole segments (default:"
              + " ${DEFAULT-VALUE}).")
  long segmentEntries;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      defaultValue = "50000",
      description =
          "Entries between tree checkpoints, which keep start-up from replaying the whole"
              + " journal (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  public OriginRepository.Options repositoryOptions(picocli.CommandLine.Model.CommandSpec spec) {
    try {
      return new OriginRepository.Options(retainEntries, segmentEntries, checkpointEvery, true);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
