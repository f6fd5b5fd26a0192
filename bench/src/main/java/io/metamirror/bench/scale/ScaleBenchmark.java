package io.metamirror.bench.scale;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.Machine;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.bench.mirror.Wrk;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench/run scale}: issue 21's benchmark at packagist's scale, every row of its table in one
 * run, each beside its reference. A packagist-shaped tree of {@code --files} goes through every
 * step ({@link ScaleRun}); above 100,000 files a second tree of 100,000 files with 20,000 changes
 * follows (the issue's own setup, for its catch-up and node memory rows), unless skipped.
 */
public final class ScaleBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files N] [--changes M] [--short] [--skip part,...] [--origin-delay-ms MS] [--fresh N]"
          + " [--duration S] [--warmup S] [--connections N] [--threads N] [--seed N]";
  public static final Set<String> FLAGS = Set.of("short");

  /** Issue 21's own setup: a node that is far behind on a 100,000-file tree. */
  private static final int ISSUE_FILES = 100_000;

  private static final int ISSUE_CHANGES = 20_000;

  private final boolean quick;
  private final int files;
  private final int changes;
  private final int duration;
  private final int warmup;
  private final int connections;
  private final int threads;
  private final int delayMs;
  private final int fresh;
  private final long seed;
  private final String skip;

  public ScaleBenchmark(Options options) {
    quick = options.bool("short", false);
    files = options.positive("files", quick ? 1_000 : 1_000_000);
    changes = options.positive("changes", quick ? 100 : 100_000);
    duration = options.positive("duration", quick ? 2 : 10);
    warmup = options.nonNegative("warmup", quick ? 0 : 5);
    connections = options.positive("connections", 32);
    threads = options.positive("threads", 2);
    delayMs = options.nonNegative("origin-delay-ms", 50);
    fresh = options.positive("fresh", quick ? 10 : 100);
    seed = options.longValue("seed", 42);
    skip = options.string("skip", "");
    if (changes > files) {
      throw new IllegalArgumentException(
          "--changes (" + changes + ") must not exceed --files (" + files + ")");
    }
  }

  @Override
  public void run(Harness harness) throws Exception {
    String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Stopwatch total = Stopwatch.start();
    try (ScaleParts parts = ScaleParts.start(skip, harness.workspace().root())) {
      System.out.printf(
          Locale.ROOT,
          "JVM start and exit (metamirror --version, best of 3): %.2f s; in every metamirror row;"
              + " skipped parts: %s%n",
          harness.jvmStartSeconds("ORIGIN_JAVA_OPTS"),
          parts.skipped().isEmpty() ? "none" : String.join(",", parts.skipped()));
      Wrk wrk = new Wrk(harness.processes(), threads, connections);
      int rounds = quick ? 1 : 3;
      ScaleServe.Settings serve =
          new ScaleServe.Settings(wrk, warmup, duration, parts.runs("tls"), rounds, quick ? 2 : 5);
      ScaleRun.Steps steps =
          new ScaleRun.Steps(
              parts.runs("feed"),
              rounds,
              parts.runs("serve") ? serve : null,
              parts.runs("freshness") ? fresh : 0,
              delayMs,
              parts.runs("catch-up"));
      double treeMb = new ScaleRun(harness, parts, "", files, changes, seed).run(steps);

      if (files > ISSUE_FILES && parts.runs("issue-setup")) {
        ScaleServe.Settings plain =
            new ScaleServe.Settings(wrk, warmup, duration, false, rounds, 0);
        new ScaleRun(harness, parts, ScaleParts.FIXED_SIZE, ISSUE_FILES, ISSUE_CHANGES, seed)
            .run(new ScaleRun.Steps(false, 0, plain, 0, delayMs, true));
      } else if (files == ISSUE_FILES && changes == ISSUE_CHANGES) {
        System.out.println("issue 21's setup (100,000 files, 20,000 changes) is the tree above");
      } else {
        System.out.println(
            "issue 21's setup (100,000 files, 20,000 changes) not measured: it runs with --files"
                + " above 100,000 unless --skip issue-setup");
      }
      System.out.printf(
          Locale.ROOT,
          "time per part (2 cores shared or not: see the load average below):%n%s%n"
              + "disk: the workspace at its fullest %.2f GB (du, before the catch-up's copies are"
              + " deleted); the file system's free space at most %.2f GB below its start%n",
          String.join("\n", parts.timings(files, total.seconds())),
          parts.fullestWorkspaceGb(),
          parts.peakGb());
      harness.finish(
          String.format(
              Locale.ROOT,
              "scale: %,d files (%,.0f MB on disk), %,d changes; %s; %s",
              files,
              treeMb,
              changes,
              date,
              Machine.describe(harness.workspace().root())));
    }
  }
}
