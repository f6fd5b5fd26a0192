package io.metamirror.sync.agent;

/**
 * What the agent is doing, for health checks, metrics and people.
 *
 * @param state {@code starting}, {@code bootstrapping}, {@code following}, {@code stalled} (a bad
 *     entry or a local failure stops progress; see lastError), or {@code stopped}
 * @param appliedSeq the seq the store is at (its cursor)
 * @param knownHead the newest seq the origin has reported
 * @param lagSeconds how long the oldest entry not yet applied has been waiting (0 when caught up)
 * @param lastError the last failure, or null; stays set while the agent is stalled or retrying
 * @param progressDone files (bootstrap) or entries (catch-up) done in the current piece of work
 * @param progressTotal the size of that piece of work, 0 when there is none
 */
public record SyncStatus(
    String state,
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
