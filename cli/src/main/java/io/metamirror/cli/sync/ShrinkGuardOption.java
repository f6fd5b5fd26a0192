package io.metamirror.cli.sync;

import picocli.CommandLine.Option;

/** The {@code --max-shrink} of the commands that run a sync agent: sync and mirror serve. */
public final class ShrinkGuardOption {
  @Option(
      names = "--max-shrink",
      paramLabel = "PERCENT",
      defaultValue = "50",
      description =
          "Refuse a new epoch or a feed page that would remove more than this share of the"
              + " store's files (an origin restored from a wrong backup): keep the old tree, turn"
              + " the state to refused_shrink and retry until the origin is fixed or"
              + " 'metamirror sync accept-epoch' lets it through; 100 turns the guard off"
              + " (default: ${DEFAULT-VALUE}).")
  int maxShrinkPercent;

  /** The share as given; 0..100 is checked where it is used. */
  public int percent() {
    return maxShrinkPercent;
  }
}
