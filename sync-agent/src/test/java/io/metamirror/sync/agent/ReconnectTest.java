package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static io.metamirror.sync.agent.StatusPolling.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin that comes back after an outage long enough for the agent's backoff to reach its cap is
 * caught up with within seconds, not after the rest of a capped pause (issue 17, item 10).
 */
class ReconnectTest {
  /**
   * The backoff cap. The pause after failure n is drawn from [e/2, e] with e = min(cap, 250 ms ×
   * 2^(n-1)), so from the 7th failure on it is at least 8 s.
   */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(16);

  private static final int FAILURES_AT_CAP = 7;

  /**
   * From the origin's return to the catch-up: the agent probes every second, so about 1 s is
   * expected; the rest is slack for a loaded machine. Waiting out the pause takes at least 8 s.
   */
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path tmp;

  @Test
  void anOriginBackAfterALongOutageIsCaughtUpWithWithinSecondsNotAfterTheBackoffCap()
      throws Exception {
    try (TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
        Store store = Store.open(tmp.resolve("store"));
        SyncAgent agent =
            new SyncAgent(
                store,
                SyncAgent.Config.defaults(origin.uri())
                    .withMaxBackoff(MAX_BACKOFF)
                    .withWaitSeconds(1),
                Clock.systemUTC())) {
      awaitCaughtUp(agent, startFollowing(origin, agent));

      origin.stop();
      // Count the failed attempts, each stamped with its own time, up to the first capped pause.
      long lastFailure = 0;
      for (int failures = 1; failures <= FAILURES_AT_CAP; failures++) {
        long after = lastFailure;
        lastFailure =
            awaitStatus(
                    agent,
                    "failed attempt " + failures + " while the origin is down",
                    s -> s.lastErrorTime() > after)
                .lastErrorTime();
      }
      long head = origin.publish(Map.of("packages.json", "{\"round\":1}"), List.of());
      long back = System.nanoTime();
      origin.restart();

      awaitCaughtUp(agent, head);
      Duration took = Duration.ofNanos(System.nanoTime() - back);

      assertTrue(
          took.compareTo(BOUND) <= 0,
          "caught up " + took.toMillis() + " ms after the origin came back, bound " + BOUND);
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), tmp.resolve("store"));
    }
  }

  private static long startFollowing(TestOrigin origin, SyncAgent agent) throws Exception {
    long head = origin.publish(Map.of("packages.json", "{\"round\":0}"), List.of());
    agent.start();
    return head;
  }
}
