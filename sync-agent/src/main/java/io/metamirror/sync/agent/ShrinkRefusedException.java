package io.metamirror.sync.agent;

import java.io.IOException;
import java.nio.file.Path;

/** The shrink guard refused a snapshot or a feed page; nothing of it was applied. */
public final class ShrinkRefusedException extends IOException {
  private final ShrinkGuard.Change change;

  ShrinkRefusedException(ShrinkGuard.Change change, int maxShrinkPercent, Path store) {
    super(
        "refused "
            + change.what()
            + " of epoch "
            + change.epoch()
            + " at seq "
            + change.seq()
            + ": it would remove "
            + change.removed()
            + " of "
            + change.files()
            + " files ("
            + change.percent()
            + " % > --max-shrink "
            + maxShrinkPercent
            + " %); the old tree is kept. If the origin is right, run: metamirror sync"
            + " accept-epoch --store "
            + store);
    this.change = change;
  }

  public ShrinkGuard.Change change() {
    return change;
  }
}
