package io.metamirror.cli.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The bar's arithmetic: what a user reads on the terminal for a count. */
class ProgressTest {
  @Test
  void aThirdDoneFillsATenthOfThirtyAndSaysThirtyThreePercent() {
    assertEquals(
        "publishing batch 1/3 [##########                    ]  33% 1000/3000 changes",
        Progress.line(new Progress.Count("publishing batch 1/3", 1000, 3000, "changes")));
  }

  @Test
  void nothingDoneYetShowsAnEmptyBar() {
    assertEquals(
        "verifying [                              ]   0% 0/7 files",
        Progress.line(new Progress.Count("verifying", 0, 7, "files")));
  }

  @Test
  void allDoneShowsAFullBar() {
    assertEquals(
        "verifying [##############################] 100% 7/7 files",
        Progress.line(new Progress.Count("verifying", 7, 7, "files")));
  }

  @Test
  void percentagesRoundDownSoNinetyNinePointNineIsNotAHundred() {
    assertEquals(
        "verifying [##############################]  99% 999/1000 files",
        Progress.line(new Progress.Count("verifying", 999, 1000, "files")));
  }

  @Test
  void moreDoneThanTheTotalStopsAtAHundredPercent() {
    assertEquals(
        "BOOTSTRAPPING [##############################] 100% 12/10 files",
        Progress.line(new Progress.Count("BOOTSTRAPPING", 12, 10, "files")));
  }

  @Test
  void noTotalOrNoCountShowsNothing() {
    assertNull(Progress.line(new Progress.Count("verifying", 0, 0, "files")));
    assertNull(Progress.line(null));
  }
}
