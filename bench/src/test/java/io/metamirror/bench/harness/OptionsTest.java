package io.metamirror.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A mistyped option must fail the run, not silently measure the default. */
class OptionsTest {
  @Test
  void readsValuesAndDefaults() {
    Options options = Options.parse(List.of("--files", "100_000", "--gzip", "false"));
    assertEquals(100_000, options.positive("files", 5));
    assertEquals(2_048, options.positive("size", 2_048));
    assertEquals(false, options.bool("gzip", true));
    options.rejectUnread();
  }

  @Test
  void refusesAnOptionNoBenchmarkRead() {
    Options options = Options.parse(List.of("--fies", "10"));
    options.positive("files", 5);
    assertThrows(IllegalArgumentException.class, options::rejectUnread);
  }

  @Test
  void readsAFlagWithoutAValueOnlyWhenTheBenchmarkDeclaresIt() {
    Options options = Options.parse(List.of("--short", "--files", "7"), Set.of("short"));
    assertEquals(true, options.bool("short", false));
    assertEquals(7, options.positive("files", 5));
    options.rejectUnread();
    assertThrows(
        IllegalArgumentException.class,
        () -> Options.parse(List.of("--files", "--short"), Set.of("short")).positive("files", 5));
    assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--short")));
  }

  @Test
  void refusesAMissingValueAndANonPositiveCount() {
    assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--files")));
    Options options = Options.parse(List.of("--files", "0"));
    assertThrows(IllegalArgumentException.class, () -> options.positive("files", 5));
  }
}
