package io.metamirror.mirror.node;

import java.time.Duration;

/**
 * How fast the {@link StoreScrub} reads, so that one pass covers the store in one period without
 * hogging the disk. Pure arithmetic: the scrub passes in what it has read and the time gone by.
 *
 * <pre>
 * cost(file)      = size + {@link #PER_FILE_COST}          (opening and seeking cost too)
 * bytes/s         = clamp(Σ cost / period, {@link #FLOOR_BYTES_PER_SECOND}, {@link #CAP_BYTES_PER_SECOND})
 * pause after cost c, t s into the pass = c / (bytes/s) − t, taken once it reaches {@link #MIN_PAUSE}
 * </pre>
 *
 * <p>A packagist-sized store (10 GB in 400,000 files) over 24 h reads about 135 KB/s. The floor
 * keeps a small store from crawling one file every few minutes: it is covered in minutes, and the
 * scrub then waits for the next period (a pass starts at most once per period, so it never spins).
 * The cap bounds the I/O of a store too large for its period: its pass takes longer than the
 * period, and the next starts when it ends. A twin is read with its file and not charged: it is
 * kept only when smaller than the file, so the read rate stays under twice the pace. A file is read
 * at disk speed and the pause comes after it.
 *
 * @param bytesPerSecond the pace: cost to spend per second
 */
record ScrubPace(long bytesPerSecond) {
  /** What opening a file costs, counted as bytes read: so a store of tiny files is paced too. */
  static final long PER_FILE_COST = 4 * 1024;

  /** 64 KiB/s: 230 MB an hour. */
  static final long FLOOR_BYTES_PER_SECOND = 64 * 1024;

  /** 32 MiB/s: 2.8 TB a day, a fraction of what one disk reads. */
  static final long CAP_BYTES_PER_SECOND = 32L << 20;

  /** Pauses shorter than this are saved up: at most 10 wake-ups a second. */
  static final Duration MIN_PAUSE = Duration.ofMillis(100);

  ScrubPace {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond <= 0: " + bytesPerSecond);
    }
  }

  /** The pace that covers {@code files} files of {@code bytes} bytes in all once per period. */
  static ScrubPace of(long bytes, long files, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period <= 0: " + period);
    }
    double perSecond = ((double) bytes + (double) files * PER_FILE_COST) / seconds(period);
    long clamped =
        (long)
            Math.min(CAP_BYTES_PER_SECOND, Math.max(FLOOR_BYTES_PER_SECOND, Math.ceil(perSecond)));
    return new ScrubPace(clamped);
  }

  /** What checking a file of {@code size} bytes costs. */
  static long cost(long size) {
    return size + PER_FILE_COST;
  }

  /**
   * How long to pause, in nanoseconds, having spent {@code cost} in {@code elapsedNanos} since the
   * pass (or this run of it) began: how far ahead of the pace that is, or 0 when that is less than
   * {@link #MIN_PAUSE}.
   */
  long pauseNanos(long cost, long elapsedNanos) {
    double due = (double) cost / bytesPerSecond * 1e9;
    double ahead = due - elapsedNanos;
    return ahead < MIN_PAUSE.toNanos() ? 0 : (long) ahead;
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }
}
