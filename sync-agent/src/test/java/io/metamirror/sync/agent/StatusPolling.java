package io.metamirror.sync.agent;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.testsupport.poll.Polling;
import java.util.function.Predicate;

/** Waits for a running agent's status to satisfy a condition, within {@link Polling}'s guard. */
final class StatusPolling {
  private StatusPolling() {}

  static SyncStatus awaitStatus(SyncAgent agent, String what, Predicate<SyncStatus> condition)
      throws Exception {
    return Polling.awaitValue(what, agent::status, condition);
  }

  /** The agent has applied everything up to {@code seq} and has no error to report. */
  static SyncStatus awaitCaughtUp(SyncAgent agent, long seq) throws Exception {
    return awaitStatus(
        agent,
        "appliedSeq " + seq + " with no error",
        s -> s.appliedSeq() == seq && s.lastError() == null && s.state() == SyncState.FOLLOWING);
  }
}
