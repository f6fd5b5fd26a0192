package io.metamirror.bench.harness;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The largest resident memory of a group of processes (summed) while something runs: sampled every
 * 100 ms on a daemon thread from {@link #start} until {@link #stop}. A process that ends within a
 * sampling period may be missed; a process's peak between two samples is.
 */
public final class PeakRss {
  private static final long PERIOD_MILLIS = 100;

  private final AtomicLong maxKib = new AtomicLong();
  private final AtomicBoolean done = new AtomicBoolean();
  private final Thread sampler;

  private PeakRss(Supplier<long[]> pids) {
    sampler =
        new Thread(
            () -> {
              while (!done.get()) {
                long kib = Arrays.stream(pids.get()).map(ResidentMemory::kib).sum();
                maxKib.accumulateAndGet(kib, Math::max);
                try {
                  Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Samples the processes {@code pids} returns, asked anew at each sample. */
  public static PeakRss start(Supplier<long[]> pids) {
    return new PeakRss(pids);
  }

  /** Samples {@code pids}. */
  public static PeakRss of(long... pids) {
    return new PeakRss(() -> pids);
  }

  /** Samples each process with every process it started (rsync forks; nginx has workers). */
  public static PeakRss withDescendants(ProcessHandle... processes) {
    return new PeakRss(
        () ->
            Arrays.stream(processes)
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .mapToLong(ProcessHandle::pid)
                .toArray());
  }

  /** Stops sampling (waits for the sample under way). */
  public void stop() throws InterruptedException {
    done.set(true);
    sampler.join();
  }

  /** The largest sum seen so far, in MB (MiB). */
  public double maxMb() {
    return maxKib.get() / 1024.0;
  }
}
