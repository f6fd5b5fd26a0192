package io.metamirror.sync.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The agent's wait before it retries after a failure: the backoff pause, cut short once an origin
 * that was away is back.
 *
 * <p>Why: the pause grows to {@code --max-backoff} (30 s) over a long outage, and a node that
 * waited it out after the origin returned would lag that long for nothing (issue 17, item 10).
 * Retrying the real requests more often would load an origin that is struggling; asking its health
 * every probe interval (a second, {@link SyncAgent#PROBE_INTERVAL}) is cheap. So while the origin
 * is away the wait asks, and ends as soon as the origin answers again, whatever the pause was: the
 * agent resumes within about one interval of the origin's return, however long the outage.
 *
 * <ul>
 *   <li>{@link Reason#NO_ANSWER}: nothing answered (no connection, a timeout). The origin was away
 *       just now, so the first health that answers ends the wait.
 *   <li>{@link Reason#UNAVAILABLE}: a 502/503/504. An origin that is only overloaded may answer
 *       health all along, and ending the wait then would undo the backoff; so the wait ends only
 *       once health was seen failing and then answering.
 *   <li>{@link Reason#OTHER}: anything else (content with the wrong hash, a full disk, a refusal):
 *       the origin's health says nothing about it, and the whole pause is waited.
 * </ul>
 *
 * <p>Time and sleeping are passed in, so that tests step a clock by hand. Not thread-safe: the
 * agent's loop thread is its only caller.
 */
final class RetryWait {
  /** Why the agent is waiting. */
  enum Reason {
    NO_ANSWER,
    UNAVAILABLE,
    OTHER;

    static Reason of(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof OriginUnavailableException away) {
          return away.answered() ? UNAVAILABLE : NO_ANSWER;
        }
      }
      return OTHER;
    }
  }

  /** Sleeps; {@link Thread#sleep} in production, a clock step in tests. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** Asks whether the origin's health answers (at most a few seconds, never throws). */
  interface HealthProbe {
    boolean answers() throws InterruptedException;
  }

  private final Duration probeInterval;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final HealthProbe probe;

  RetryWait(Duration probeInterval, LongSupplier nanoTime, Sleeper sleeper, HealthProbe probe) {
    if (probeInterval.isNegative() || probeInterval.isZero()) {
      throw new IllegalArgumentException("probeInterval <= 0: " + probeInterval);
    }
    this.probeInterval = probeInterval;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.probe = probe;
  }

  /**
   * Waits up to {@code pauseMillis}, or until {@code stopping} is true when it next looks. Returns
   * true when the wait ended early because the origin is back.
   *
   * @throws InterruptedException when the sleeper or the probe is interrupted (the agent closing)
   */
  boolean await(long pauseMillis, Reason reason, BooleanSupplier stopping)
      throws InterruptedException {
    long end = nanoTime.getAsLong() + pauseMillis * 1_000_000;
    boolean seenAway = reason == Reason.NO_ANSWER;
    while (!stopping.getAsBoolean()) {
      long left = millisUntil(end);
      if (left <= 0) {
        return false;
      }
      if (reason == Reason.OTHER) {
        sleeper.sleep(left);
        continue;
      }
      sleeper.sleep(Math.min(left, probeInterval.toMillis()));
      if (millisUntil(end) <= 0 || stopping.getAsBoolean()) {
        return false;
      }
      if (!probe.answers()) {
        seenAway = true;
      } else if (seenAway) {
        return true;
      }
    }
    return false;
  }

  /** Whole milliseconds until {@code end}, rounded up so that a wait never ends a little early. */
  private long millisUntil(long end) {
    long nanos = end - nanoTime.getAsLong();
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }
}
