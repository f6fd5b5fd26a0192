package io.metamirror.bench.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Measured values (latencies, durations) in the order taken, with the statistics the benchmarks
 * report. Percentiles are nearest-rank: always a value that was measured, so the p99 of 20 values
 * is their maximum, which is what a reader of a small sample should see.
 */
public final class Samples {
  private double[] values = new double[16];
  private int count;

  public void add(double value) {
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    values[count++] = value;
  }

  public int size() {
    return count;
  }

  /** The nearest-rank percentile {@code p} (0 to 100); 100 is the maximum. */
  public double percentile(double p) {
    if (count == 0) {
      throw new IllegalStateException("no samples");
    }
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100 * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, index))];
  }

  public double max() {
    return percentile(100);
  }

  /** The middle value; of an even count the upper of the two, as {@link #medianOf} picks. */
  public double median() {
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted[count / 2];
  }

  public double get(int index) {
    return values[index];
  }

  /**
   * The percentiles (100 is "max") times {@code scale}, e.g. {@code p50 4.1 ms, p99 9.8 ms, max
   * 12.0 ms} for a detail line.
   */
  public String summary(double scale, String unit, int... percentiles) {
    StringBuilder sb = new StringBuilder();
    for (int p : percentiles) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(p == 100 ? "max" : "p" + p)
          .append(String.format(Locale.ROOT, " %.1f ", scale * percentile(p)))
          .append(unit);
    }
    return sb.toString();
  }

  /**
   * Every value in the order measured, times {@code scale} (1000: seconds shown as ms), each
   * formatted with {@code format}.
   */
  public String list(String format, String separator, double scale) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < count; k++) {
      sb.append(k == 0 ? "" : separator)
          .append(String.format(Locale.ROOT, format, scale * values[k]));
    }
    return sb.toString();
  }

  /**
   * The median round of several, ranked by {@code order}: a whole round (its latencies with its
   * rate), not a mix of figures from different rounds.
   */
  public static <T> T medianOf(List<T> rounds, Comparator<? super T> order) {
    List<T> sorted = new ArrayList<>(rounds);
    sorted.sort(order);
    return sorted.get(sorted.size() / 2);
  }
}
