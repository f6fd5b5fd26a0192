package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The scrub's pace: the store's size spread over the period, clamped; no sleeping here. */
class ScrubPaceTest {
  private static final Duration DAY = Duration.ofHours(24);

  @Test
  void aPackagistSizedStoreIsSpreadOverTheWholeDay() {
    long bytes = 10_000_000_000L;
    long files = 400_000;

    ScrubPace pace = ScrubPace.of(bytes, files, DAY);

    long cost = bytes + files * ScrubPace.PER_FILE_COST;
    assertEquals((cost + 86_399) / 86_400, pace.bytesPerSecond()); // 134,703 B/s
    assertEquals(DAY.toSeconds(), Math.round(cost / (double) pace.bytesPerSecond()));
  }

  @Test
  void aTinyStoreIsReadAtTheFloorSoItIsCoveredInSecondsNotCrawledThroughAllDay() {
    ScrubPace pace = ScrubPace.of(1_000_000, 100, DAY);

    assertEquals(ScrubPace.FLOOR_BYTES_PER_SECOND, pace.bytesPerSecond());
    assertEquals(21, (1_000_000 + 100 * ScrubPace.PER_FILE_COST) / pace.bytesPerSecond()); // s
  }

  @Test
  void anEmptyStoreIsReadAtTheFloor() {
    assertEquals(ScrubPace.FLOOR_BYTES_PER_SECOND, ScrubPace.of(0, 0, DAY).bytesPerSecond());
  }

  @Test
  void aStoreTooLargeForItsPeriodIsReadAtTheCapAndTakesLonger() {
    long bytes = 10_000_000_000L;

    ScrubPace pace = ScrubPace.of(bytes, 0, Duration.ofMinutes(1));

    assertEquals(ScrubPace.CAP_BYTES_PER_SECOND, pace.bytesPerSecond());
    assertEquals(298, bytes / pace.bytesPerSecond()); // seconds at 32 MiB/s, not 60
  }

  @Test
  void theScrubPausesByHowFarItIsAheadOfThePace() {
    ScrubPace pace = new ScrubPace(1_000_000);

    assertEquals(1_500_000_000L, pace.pauseNanos(2_000_000, 500_000_000L));
  }

  @Test
  void noPauseWhenBehindThePace() {
    ScrubPace pace = new ScrubPace(1_000_000);

    assertEquals(0, pace.pauseNanos(1_000_000, 3_000_000_000L));
  }

  @Test
  void pausesShorterThanTheMinimumAreSavedUpNotTakenOneByOne() {
    ScrubPace pace = new ScrubPace(1_000_000);
    long justUnder = ScrubPace.MIN_PAUSE.toNanos() - 1_000;

    assertEquals(0, pace.pauseNanos(1_000_000, 1_000_000_000L - justUnder));
    assertEquals(
        ScrubPace.MIN_PAUSE.toNanos(),
        pace.pauseNanos(1_000_000, 1_000_000_000L - ScrubPace.MIN_PAUSE.toNanos()));
  }

  @Test
  void aPeriodOfZeroIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ScrubPace.of(1, 1, Duration.ZERO));
    assertEquals("period <= 0: PT0S", e.getMessage());
  }
}
