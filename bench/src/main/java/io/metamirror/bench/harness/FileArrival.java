package io.metamirror.bench.harness;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Waits for a file to appear at its path with its size: how the freshness rows see a change. */
public final class FileArrival {
  private FileArrival() {}

  /**
   * Polls every {@code pollMicros} until {@code file} has {@code size} bytes; fails once {@code
   * limit} has passed since {@code since} started.
   */
  public static void awaitSize(
      Path file, long size, Stopwatch since, int pollMicros, Duration limit) throws BenchFailure {
    File f = file.toFile();
    long pollNanos = pollMicros * 1000L;
    long deadline = since.startNanos() + limit.toNanos();
    while (f.length() != size) {
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(
            file + " did not get size " + size + " within " + limit.toSeconds() + " s");
      }
      LockSupport.parkNanos(pollNanos);
    }
  }
}
