package io.metamirror.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics every benchmark reports: nearest-rank percentiles and the median round. */
class SamplesTest {
  private static Samples of(double... values) {
    Samples samples = new Samples();
    for (double v : values) {
      samples.add(v);
    }
    return samples;
  }

  @Test
  void percentilesAreNearestRankSoAlwaysAMeasuredValue() {
    Samples samples = new Samples();
    for (int i = 100; i >= 1; i--) {
      samples.add(i);
    }
    assertEquals(50, samples.percentile(50));
    assertEquals(99, samples.percentile(99));
    assertEquals(100, samples.max());
    assertEquals(1, samples.percentile(0));
  }

  @Test
  void ofASmallSampleP99IsTheMaximum() {
    assertEquals(9, of(3, 9, 1, 4).percentile(99));
  }

  @Test
  void medianOfAnEvenCountIsTheUpperMiddle() {
    assertEquals(4, of(3, 9, 1, 4).median());
    assertEquals(4, Samples.medianOf(List.of(3, 9, 1, 4), Comparator.naturalOrder()));
  }

  @Test
  void summaryAndListScaleSecondsToMilliseconds() {
    Samples samples = of(0.002, 0.004);
    assertEquals("p50 2.0 ms, max 4.0 ms", samples.summary(1000, "ms", 50, 100));
    assertEquals("2.0 4.0", samples.list("%.1f", " ", 1000));
  }
}
