package io.metamirror.bench.sync;

import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The incremental rows: with {@code metamirror sync} following the bootstrapped store, one existing
 * file changed (PUT with another size) and timed until the store has the new size; the reference
 * writes the same change into the daemon's directory and rsyncs the whole tree into a destination
 * that was equal before it: what a periodic rsync mirror pays for one change. Latencies in seconds.
 */
record IncrementalChanges(Samples ours, Samples rsync) {
  private static final double SPEEDUP_TARGET = 10;

  /**
   * {@code changes} timed changes on metamirror after 20 untimed, and {@code rsyncRuns} timed rsync
   * runs between them; {@code sizes} (the tree's file sizes) follows every change.
   */
  static IncrementalChanges measure(
      SyncTestbed testbed,
      long seed,
      int changes,
      int rsyncRuns,
      Path store,
      Path rsyncDst,
      int[] sizes)
      throws IOException, InterruptedException {
    int files = testbed.files();
    Path rsyncSrc = testbed.rsyncSrc();
    String rsyncUrl = testbed.rsyncUrl();
    SplittableRandom pick = new SplittableRandom(seed);
    int[] version = new int[files];
    // Warm the agent (a long-running agent is warm): untimed changes, same as the timed ones.
    for (int k = 0; k < 20; k++) {
      int i = pick.nextInt(files);
      byte[] c = changed(testbed.tree(), i, ++version[i], sizes[i]);
      testbed.putAndAwait(ComposerLikeFiles.path(i), c, store);
      Files.write(rsyncSrc.resolve(ComposerLikeFiles.path(i)), c);
      sizes[i] = c.length;
    }
    testbed.processes().run("rsync", "-a", rsyncUrl, rsyncDst + "/"); // equal to the source again
    testbed.processes().run("sync");
    Samples ours = new Samples();
    Samples rsync = new Samples();
    int perRef = Math.max(1, changes / rsyncRuns);
    int done = 0;
    while (done < changes || rsync.size() < rsyncRuns) {
      for (int k = 0; k < perRef && done < changes; k++, done++) {
        int i = pick.nextInt(files);
        byte[] c = changed(testbed.tree(), i, ++version[i], sizes[i]);
        ours.add(testbed.putAndAwait(ComposerLikeFiles.path(i), c, store)[1]);
        Files.write(rsyncSrc.resolve(ComposerLikeFiles.path(i)), c); // keep the trees equal
        sizes[i] = c.length;
      }
      if (rsync.size() < rsyncRuns) {
        int i = pick.nextInt(files);
        String path = ComposerLikeFiles.path(i);
        byte[] c = changed(testbed.tree(), i, ++version[i], sizes[i]);
        // The same change for both: metamirror first (untimed), then the timed rsync of a
        // destination that was equal to the source before this one change.
        testbed.putAndAwait(path, c, store);
        testbed.processes().run("rsync", "-a", rsyncUrl, rsyncDst + "/");
        Stopwatch clock = Stopwatch.start();
        Files.write(rsyncSrc.resolve(path), c);
        testbed.processes().run("rsync", "-a", rsyncUrl, rsyncDst + "/");
        testbed.awaitSize(rsyncDst.resolve(path), c.length, clock);
        rsync.add(clock.seconds());
        sizes[i] = c.length;
      }
    }
    System.out.println(
        "incremental metamirror PUT -> in store (ms): " + ours.list("%.1f", " ", 1000));
    System.out.println(
        "incremental reference rsync -a daemon, whole tree (ms): " + rsync.list("%.1f", " ", 1000));
    return new IncrementalChanges(ours, rsync);
  }

  /** A new version of file i whose size differs from {@code oldSize}, so a size check sees it. */
  private static byte[] changed(ComposerLikeFiles tree, int i, int version, int oldSize) {
    byte[] c = tree.content(i, version);
    if (c.length == oldSize) {
      c = Arrays.copyOf(c, c.length + 1);
      c[c.length - 1] = '\n';
    }
    return c;
  }

  /** p50, p99 and max against rsync, with the speed-up target on p50. */
  void report(ResultTable results) {
    List<Row> rows =
        results.addPercentiles(
            "incremental", "ms", 1000, ours, "rsync -a daemon, whole tree", rsync, 50, 99, 100);
    double speedup = rsync.percentile(50) / ours.percentile(50);
    rows.get(0)
        .note(
            String.format(
                Locale.ROOT,
                "agent following; %.1f x faster, target >= %.0f x: %s",
                speedup,
                SPEEDUP_TARGET,
                ResultTable.verdict(speedup >= SPEEDUP_TARGET)));
    rows.get(1).note(ours.size() + " changes, " + rsync.size() + " rsync runs");
  }
}
