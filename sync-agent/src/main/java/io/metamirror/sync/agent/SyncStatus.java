package io.metamirror.sync.agent;

import io.metamirror.protocol.health.SyncState;

/**
 * What the agent is doing, for health checks, metrics and people.
 *
 * @param state see {@link SyncState}; when {@code STALLED} or {@code REFUSED_SHRINK}, lastError
 *     says why
 * @param appliedSeq the seq the store is at (its cursor)
 * @param knownHead the newest seq the origin has reported
 * @param lagSeconds how long the oldest entry not yet applied has been waiting (0 when caught up)
 * @param lastError the last failure, or null; stays set while the agent is stalled or retrying
 * @param progressDone files (bootstrap) or entries (catch-up) done in the current piece of work
 * @param progressTotal the size of that piece of work, 0 when there is none
 */
public record SyncStatus(
    SyncState state,
    String epoch,
    long appliedSeq,
    long knownHead,
    double lagSeconds,
    String lastError,
    long lastErrorTime,
    long progressDone,
    long progressTotal) {

  public long lagEntries() {
    return Math.max(0, knownHead - appliedSeq);
  }
}
