package io.metamirror.cli.sync;

import io.metamirror.sync.agent.SyncAgent;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The {@code --snapshot-behind} of the commands that run a sync agent: sync and mirror serve. */
public final class SnapshotBehindOption {
  @Option(
      names = "--snapshot-behind",
      paramLabel = "PERCENT",
      defaultValue = "" + SyncAgent.Config.DEFAULT_SNAPSHOT_BEHIND_PERCENT,
      description =
          "A store more than a page and more than this share of its files behind the origin's"
              + " head catches up from the snapshot, keeping its unchanged files, instead of"
              + " replaying the feed; 0 always replays (default: ${DEFAULT-VALUE}).")
  int percent;

  /** The share as given; when it is negative, {@code usageError} of the message, thrown. */
  public int percent(Function<String, ? extends RuntimeException> usageError) {
    if (percent < 0) {
      throw usageError.apply("--snapshot-behind < 0: " + percent);
    }
    return percent;
  }
}
