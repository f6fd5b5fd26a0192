package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.fail;

import io.metamirror.protocol.health.SyncState;
import java.util.function.Predicate;

/**
 * Waits for a running agent's status to satisfy a condition. The deadline only guards against a
 * hang: a passing test never comes near it, and nothing is asserted about how long it took.
 */
final class StatusPolling {
  private static final long HANG_GUARD_MILLIS = 20_000;

  private StatusPolling() {}

  static SyncStatus awaitStatus(SyncAgent agent, String what, Predicate<SyncStatus> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + HANG_GUARD_MILLIS * 1_000_000;
    SyncStatus status = agent.status();
    while (!condition.test(status)) {
      if (System.nanoTime() > deadline) {
        fail("gave up waiting for " + what + "; last status " + status);
      }
      Thread.sleep(10);
      status = agent.status();
    }
    return status;
  }

  /** The agent has applied everything up to {@code seq} and has no error to report. */
  static SyncStatus awaitCaughtUp(SyncAgent agent, long seq) throws InterruptedException {
    return awaitStatus(
        agent,
        "appliedSeq " + seq + " with no error",
        s -> s.appliedSeq() == seq && s.lastError() == null && s.state() == SyncState.FOLLOWING);
  }
}
