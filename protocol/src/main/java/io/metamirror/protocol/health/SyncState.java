package io.metamirror.protocol.health;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a sync agent is doing. Its lower-case name is what health documents, {@code status.json} and
 * log lines say ({@code "syncState":"following"}, {@code event=sync_state state=following}), and
 * {@link #toString()} returns it.
 */
public enum SyncState {
  /** Started, before its first bootstrap or feed answer. */
  STARTING,
  /** Installing a snapshot: the store is empty, of another epoch, or too far behind. */
  BOOTSTRAPPING,
  /** Long-polling the feed and applying its pages. */
  FOLLOWING,
  /** An entry keeps arriving wrong or the disk is full; progress stops until a retry succeeds. */
  STALLED,
  /**
   * A new epoch's snapshot or a feed page would remove more than the allowed share of the store's
   * files (the shrink guard); the old tree is kept until the origin is fixed or an operator accepts
   * the change ({@code metamirror sync accept-epoch}). lastError says what was refused.
   */
  REFUSED_SHRINK,
  /** Closed. */
  STOPPED;

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
