package io.metamirror.bench.scale;

import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts of a scale run: which the user skipped ({@code --skip part,...}), how long each took,
 * and the disk the run used (the file system's free space at start minus now, sampled every second
 * in the background, so that the peak between two parts is seen too).
 */
final class ScaleParts implements AutoCloseable {
  /** The parts {@code --skip} may name; the others (generate, publish, bootstrap) feed them all. */
  static final Set<String> SKIPPABLE =
      Set.of("feed", "serve", "tls", "freshness", "catch-up", "issue-setup");

  /** The scope of the run at issue 21's own size, whose parts do not grow with {@code --files}. */
  static final String FIXED_SIZE = "100k: ";

  private final Set<String> skipped;
  private final FileStore disk;
  private final long freeAtStart;
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final Thread sampler;
  private volatile long peakUsed;
  private double fullestWorkspaceGb;

  private ScaleParts(Set<String> skipped, FileStore disk) throws IOException {
    this.skipped = skipped;
    this.disk = disk;
    this.freeAtStart = disk.getUsableSpace();
    this.sampler = new Thread(this::sample, "disk-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /**
   * {@code skip} as given ({@code "feed,tls"}, empty for none); fails on a part it does not know.
   */
  static ScaleParts start(String skip, Path workspace) throws IOException {
    Set<String> skipped = new TreeSet<>();
    for (String part : skip.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!SKIPPABLE.contains(name)) {
        throw new IllegalArgumentException(
            "--skip: unknown part "
                + name
                + "; parts: "
                + String.join(",", new TreeSet<>(SKIPPABLE)));
      }
      skipped.add(name);
    }
    return new ScaleParts(skipped, Files.getFileStore(workspace));
  }

  boolean runs(String part) {
    if (!SKIPPABLE.contains(part)) {
      throw new IllegalArgumentException("not a skippable part: " + part);
    }
    return !skipped.contains(part);
  }

  Set<String> skipped() {
    return skipped;
  }

  /** Records a part's time (added up when a part runs more than once) and prints it with disk. */
  void done(String part, Stopwatch clock) {
    double s = clock.seconds();
    seconds.merge(part, s, Double::sum);
    System.out.printf(
        Locale.ROOT,
        "part %s: %.1f s; the file system's free space is %.2f GB below its start (peak %.2f GB;"
            + " other writers on it count too)%n",
        part,
        s,
        usedGb(),
        peakGb());
  }

  double usedGb() {
    long used = Math.max(0, freeAtStart - usableSpace());
    peakUsed = Math.max(peakUsed, used);
    return used / 1e9;
  }

  double peakGb() {
    return peakUsed / 1e9;
  }

  /** The workspace's size ({@code du}) where a run holds the most copies; the largest is kept. */
  void workspaceMeasured(double gb) {
    fullestWorkspaceGb = Math.max(fullestWorkspaceGb, gb);
    System.out.printf(Locale.ROOT, "workspace at its fullest (du): %.2f GB%n", gb);
  }

  double fullestWorkspaceGb() {
    return fullestWorkspaceGb;
  }

  /**
   * One line per part: its time, and that time scaled to 1,000,000 files (linearly; the wrk runs,
   * handshakes and freshness samples do not grow with the tree, so for them it is an upper bound);
   * the parts at issue 21's own size count once. Below 10,000 files, the times alone.
   */
  List<String> timings(int files, double totalSeconds) {
    List<String> lines = new ArrayList<>();
    if (files < 10_000) {
      seconds.forEach(
          (part, s) -> lines.add(String.format(Locale.ROOT, "  %-18s %7.1f s", part, s)));
      lines.add(String.format(Locale.ROOT, "  %-18s %7.1f s", "total", totalSeconds));
      return lines;
    }
    double scale = 1_000_000.0 / files;
    double extrapolated = totalSeconds;
    for (Map.Entry<String, Double> e : seconds.entrySet()) {
      boolean fixed = e.getKey().startsWith(FIXED_SIZE);
      double at1m = fixed ? e.getValue() : e.getValue() * scale;
      extrapolated += at1m - e.getValue();
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-18s %7.1f s   at 1,000,000 files: %6.0f s%s",
              e.getKey(),
              e.getValue(),
              at1m,
              fixed ? " (this part's size does not change)" : ""));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-18s %7.1f s   at 1,000,000 files: %.0f min (the parts scaled linearly)",
            "total",
            totalSeconds,
            extrapolated / 60));
    return lines;
  }

  private long usableSpace() {
    try {
      return disk.getUsableSpace();
    } catch (IOException e) {
      return freeAtStart;
    }
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      usedGb();
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    sampler.interrupt();
  }
}
