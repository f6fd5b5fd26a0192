package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** {@link RetryWait} on a clock stepped by hand: every sleep advances it, nothing really waits. */
class RetryWaitTest {
  private static final long PAUSE = 30_000;

  private long nanos;
  private int probes;

  /** A wait whose probe answers as {@code answers} says, then keeps answering. */
  private RetryWait waitWith(Boolean... answers) {
    Queue<Boolean> script = new ArrayDeque<>(List.of(answers));
    return new RetryWait(
        Duration.ofSeconds(1),
        () -> nanos,
        millis -> nanos += millis * 1_000_000,
        () -> {
          probes++;
          return script.isEmpty() || script.remove();
        });
  }

  private long waitedMillis() {
    return nanos / 1_000_000;
  }

  @Test
  void anOriginThatDidNotAnswerEndsTheWaitAtTheFirstProbeItAnswers() throws Exception {
    RetryWait wait = waitWith(false, false, false, true);

    assertTrue(wait.await(PAUSE, RetryWait.Reason.NO_ANSWER, () -> false));

    assertEquals(4_000, waitedMillis(), "four probes a second apart");
  }

  @Test
  void anOriginBackBeforeTheFirstProbeIsResumedWithAfterOneInterval() throws Exception {
    RetryWait wait = waitWith(true);

    assertTrue(wait.await(PAUSE, RetryWait.Reason.NO_ANSWER, () -> false));

    assertEquals(1_000, waitedMillis());
  }

  @Test
  void aGatewayErrorEndsTheWaitOnlyOnceTheOriginWasSeenAwayAndBack() throws Exception {
    RetryWait wait = waitWith(false, false, true);

    assertTrue(wait.await(PAUSE, RetryWait.Reason.UNAVAILABLE, () -> false));

    assertEquals(3_000, waitedMillis());
  }

  @Test
  void aBusyOriginWhoseHealthAnswersAllAlongIsWaitedForTheWholePause() throws Exception {
    RetryWait wait = waitWith(true, true, true);

    assertFalse(wait.await(PAUSE, RetryWait.Reason.UNAVAILABLE, () -> false));

    assertEquals(PAUSE, waitedMillis());
  }

  @Test
  void aFailureThatIsNotTheOriginsAbsenceWaitsTheWholePauseWithoutProbing() throws Exception {
    RetryWait wait = waitWith(true);

    assertFalse(wait.await(PAUSE, RetryWait.Reason.OTHER, () -> false));

    assertEquals(PAUSE, waitedMillis());
    assertEquals(0, probes);
  }

  @Test
  void aPauseShorterThanTheProbeIntervalIsWaitedWholeWithoutProbing() throws Exception {
    RetryWait wait = waitWith(true);

    assertFalse(wait.await(400, RetryWait.Reason.NO_ANSWER, () -> false));

    assertEquals(400, waitedMillis());
    assertEquals(0, probes);
  }

  @Test
  void anOriginThatStaysAwayIsProbedOnceASecondForThePause() throws Exception {
    Boolean[] never = new Boolean[40];
    Arrays.fill(never, false);
    RetryWait away = waitWith(never);

    assertFalse(away.await(PAUSE, RetryWait.Reason.NO_ANSWER, () -> false));

    assertEquals(PAUSE, waitedMillis());
    assertEquals(29, probes, "none at the end of the pause: the retry itself asks then");
  }

  @Test
  void stoppingEndsTheWait() throws Exception {
    RetryWait wait = waitWith(false);

    assertFalse(wait.await(PAUSE, RetryWait.Reason.NO_ANSWER, () -> nanos >= 2_000_000_000L));

    assertEquals(2_000, waitedMillis());
  }

  @Test
  void theReasonIsFoundAmongTheCauses() {
    IOException wrapped =
        new IOException(
            "page failed", OriginUnavailableException.noAnswer("cannot reach the origin", null));
    assertEquals(RetryWait.Reason.NO_ANSWER, RetryWait.Reason.of(wrapped));
    assertEquals(
        RetryWait.Reason.UNAVAILABLE,
        RetryWait.Reason.of(OriginUnavailableException.answered("origin answered 503")));
    assertEquals(
        RetryWait.Reason.OTHER, RetryWait.Reason.of(new IOException("origin answered 404")));
  }
}
