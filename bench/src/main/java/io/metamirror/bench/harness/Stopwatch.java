package io.metamirror.bench.harness;

/** Wall time from a start, on the monotonic clock (never the time of day, which NTP may step). */
public final class Stopwatch {
  private final long start = System.nanoTime();

  private Stopwatch() {}

  public static Stopwatch start() {
    return new Stopwatch();
  }

  public double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  public double millis() {
    return (System.nanoTime() - start) / 1e6;
  }

  /** The clock reading of the start, for deadlines counted from it. */
  public long startNanos() {
    return start;
  }
}
