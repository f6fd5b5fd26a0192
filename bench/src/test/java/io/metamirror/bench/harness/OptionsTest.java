package io.metamirror.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
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
  void refusesAMissingValueAndANonPositiveCount() {
    assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--files")));
    Options options = Options.parse(List.of("--files", "0"));
    assertThrows(IllegalArgumentException.class, () -> options.positive("files", 5));
  }
}
