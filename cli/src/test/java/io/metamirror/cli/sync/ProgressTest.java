package io.metamirror.cli.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The bar's arithmetic: what a user reads on the terminal for a count. */
class ProgressTest {
  @Test
  void aThirdDoneFillsTenOfThirtyAndSaysThirtyThreePercent() {
    assertLine(
        "publishing batch 1/3 [##########                    ]  33% 1000/3000 changes",
        "publishing batch 1/3", 1000, 3000, "changes");
  }

  @Test
  void nothingDoneYetShowsAnEmptyBar() {
    assertLine(
        "verifying [                              ]   0% 0/7 files", "verifying", 0, 7, "files");
  }

  @Test
  void allDoneShowsAFullBar() {
    assertLine(
        "verifying [##############################] 100% 7/7 files", "verifying", 7, 7, "files");
  }

  @Test
  void percentagesRoundDownSoNinetyNinePointNineIsNotAHundred() {
    assertLine(
        "verifying [##############################]  99% 999/1000 files",
        "verifying", 999, 1000, "files");
  }

  @Test
  void moreDoneThanTheTotalStopsAtAHundredPercent() {
    assertLine(
        "BOOTSTRAPPING [##############################] 100% 12/10 files",
        "BOOTSTRAPPING", 12, 10, "files");
  }

  private static void assertLine(
      String expected, String label, long done, long total, String unit) {
    assertEquals(expected, Progress.line(new Progress.Count(label, done, total, unit)));
  }

  @Test
  void noTotalOrNoCountShowsNothing() {
    assertNull(Progress.line(new Progress.Count("verifying", 0, 0, "files")));
    assertNull(Progress.line(null));
  }
}
