package io.metamirror.origin.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionComparatorTest {
  private static final List<String> NEWEST_FIRST =
      List.of(
          "10.0.0.0",
          "2.0.9999999.9999999-dev",
          "2.0.0.1",
          "2.0.0.0-patch2",
          "2.0.0.0-patch1",
          "2.0.0.0",
          "2.0.0.0-RC10",
          "2.0.0.0-RC2",
          "2.0.0.0-RC1",
          "2.0.0.0-beta2",
          "2.0.0.0-beta1-dev",
          "2.0.0.0-alpha3",
          "2.0.0.0-alpha1",
          "2.0.0.0-dev",
          "1.10.0.0",
          "1.9.0.0",
          "1.2.3.4",
          "1.2.3.0",
          "0.0.1.0",
          "dev-feature/a",
          "dev-main",
          "dev-master");

  @Test
  void shuffledVersionsSortNewestFirst() {
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      List<String> shuffled = new ArrayList<>(NEWEST_FIRST);
      Collections.shuffle(shuffled, random);
      shuffled.sort(VersionComparator.NEWEST_FIRST);
      assertEquals(NEWEST_FIRST, shuffled);
    }
  }

  @Test
  void numericPartsCompareAsNumbersNotText() {
    assertTrue(VersionComparator.NEWEST_FIRST.compare("1.10.0.0", "1.9.0.0") < 0);
    assertTrue(VersionComparator.NEWEST_FIRST.compare("20100102203040", "9.0.0.0") < 0);
  }

  @Test
  void versionsPhpHoldsEqualAreStillOrderedByText() {
    assertEquals(0, VersionComparator.phpVersionCompare("1.0.0.0-alpha1", "1.0.0.0-a1"));
    assertTrue(VersionComparator.NEWEST_FIRST.compare("1.0.0.0-a1", "1.0.0.0-alpha1") < 0);
    assertEquals(0, VersionComparator.NEWEST_FIRST.compare("1.0.0.0", "1.0.0.0"));
  }
}
