package io.metamirror.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations as options take them ({@code --scrub-period}, {@code dns watch --interval}). */
class DurationTextTest {
  @TempDir Path temp;

  @Test
  void unitsFromMillisecondsToDaysAndSecondsWithoutAUnit() {
    assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
    assertEquals(Duration.ofSeconds(30), DurationText.parse("30"));
    assertEquals(Duration.ofMinutes(5), DurationText.parse("5m"));
    assertEquals(Duration.ofHours(24), DurationText.parse("24H"));
    assertEquals(Duration.ofDays(7), DurationText.parse("7d"));
  }

  @Test
  void zeroAndOffAreBothZero() {
    assertEquals(Duration.ZERO, DurationText.parse("0"));
    assertEquals(Duration.ZERO, DurationText.parse("off"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5x", "-1s", "1.5h", "h", "99999999999d"})
  void anythingElseIsRefusedQuotingIt(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
    assertEquals("must look like 30s, 5m, 24h or 500ms, got " + text, e.getMessage());
  }

  @Test
  void aBadScrubPeriodIsAUsageErrorNamingTheOptionAndStartsNothing() {
    Path store = temp.resolve("store");
    Run run =
        Run.run(
            "mirror",
            "serve",
            "--origin",
            "http://127.0.0.1:1/",
            "--store",
            store.toString(),
            "--scrub-period",
            "daily");

    assertEquals(2, run.exit(), run.toString());
    List<String> lines = run.errLines();
    assertTrue(lines.get(0).contains("--scrub-period"), run.toString());
    assertTrue(lines.get(0).contains("daily"), run.toString());
    assertFalse(Files.exists(store), "nothing was started");
  }
}
