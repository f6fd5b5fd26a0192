package io.metamirror.cli.origin;

import io.metamirror.origin.repository.OriginRepository;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options about the data directory, shared by the origin commands. */
public final class OriginOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

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

  /** The journal options; values the repository refuses are a usage error of the command. */
  public OriginRepository.Options repositoryOptions() {
    try {
      return new OriginRepository.Options(retainEntries, segmentEntries, checkpointEvery, true);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }
}
