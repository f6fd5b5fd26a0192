package io.metamirror.bench.sync;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.ResultTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code bench/run catch-up}: issue 21's "catch-up as fast as bootstrap". A store bootstrapped from
 * a tree of N files falls M changes behind, spread over the first P files (each rewritten M / P
 * times when M exceeds P, as packagist's busiest files are); then, each timed as one {@code
 * metamirror sync --once} with the origin's data read whole and the file system flushed first:
 *
 * <ol>
 *   <li>the catch-up as the agent chooses it (a delta snapshot when far behind, else the feed);
 *   <li>the same catch-up forced to replay the feed ({@code --snapshot-behind 0}: how every
 *       catch-up short of a 410 ran before issue 21), from a copy of the store made before either;
 *   <li>a fresh bootstrap of the same tree into an empty store: the reference, goal catch-up &lt;=
 *       1.2 x of it.
 * </ol>
 *
 * Each store is checked afterwards: the cursor at the head, every file with its size.
 */
public final class CatchUpBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files 100000] [--changes 20000] [--paths N (default: min(files, changes))] [--size 2048]"
          + " [--batch 1000] [--replay true|false] [--seed 42]";

  private final int files;
  private final int changes;
  private final int paths;
  private final int batch;
  private final boolean replay;
  private final ComposerLikeFiles tree;

  public CatchUpBenchmark(Options options) {
    files = options.positive("files", 100_000);
    changes = options.positive("changes", 20_000);
    paths = options.positive("paths", Math.min(files, changes));
    int size = options.positive("size", 2_048);
    batch = options.positive("batch", 1_000);
    replay = options.bool("replay", true);
    tree = new ComposerLikeFiles(options.longValue("seed", 42), size);
    if (paths > files) {
      throw new IllegalArgumentException(
          "--paths (" + paths + ") must not exceed --files (" + files + ")");
    }
  }

  @Override
  public void run(Harness harness) throws Exception {
    SyncTestbed testbed = SyncTestbed.start(harness, tree, files, 200);
    int[] sizes = new int[files];
    testbed.publishTree(batch, sizes);
    Path behind = testbed.work().resolve("store-behind");
    report("bootstrap of the first tree", testbed.syncOnce(behind), behind, files, sizes, testbed);

    long head = publishChanges(testbed.origin().api(), sizes);
    Path replayed = testbed.work().resolve("store-replayed");
    if (replay) {
      testbed.processes().run("cp", "-a", behind.toString(), replayed.toString());
    }
    BootstrapRounds.Cost catchUp = testbed.syncOnce(behind);
    report("catch-up (the agent's choice)", catchUp, behind, head, sizes, testbed);
    BootstrapRounds.Cost replayCost = null;
    if (replay) {
      replayCost = testbed.syncOnce(replayed, "--snapshot-behind", "0");
      report("catch-up replaying the feed", replayCost, replayed, head, sizes, testbed);
    }
    Path fresh = testbed.work().resolve("store-fresh");
    BootstrapRounds.Cost bootstrap = testbed.syncOnce(fresh);
    report("fresh bootstrap of the same tree", bootstrap, fresh, head, sizes, testbed);

    ResultTable results = harness.results();
    String reference = "fresh bootstrap, sync --once";
    String row = String.format(Locale.ROOT, "catch-up of %,d changes, sync --once", changes);
    results
        .add(row, "s", catchUp.seconds(), reference, bootstrap.seconds())
        .note(
            "goal <= 1.2 x: "
                + ResultTable.verdict(catchUp.seconds() <= 1.2 * bootstrap.seconds()));
    if (replayCost != null) {
      results
          .add(
              "catch-up replaying the feed (--snapshot-behind 0)",
              "s",
              replayCost.seconds(),
              reference,
              bootstrap.seconds())
          .note("every catch-up but a 410's before issue 21");
    }
    results.add(
        "catch-up machine CPU", "s", catchUp.machineCpu(), reference, bootstrap.machineCpu());
    harness.finish(
        String.format(
            Locale.ROOT,
            "catch-up: %,d files of ~%d B, %,d changes over %,d paths, %d CPUs",
            files,
            tree.size(),
            changes,
            paths,
            Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Publishes the changes in batches of distinct files: change k rewrites file k % paths with
   * version 1 + k / paths. Returns the head.
   */
  private long publishChanges(OriginApi origin, int[] sizes)
      throws IOException, InterruptedException {
    long head = origin.head();
    int perBatch = Math.min(batch, paths);
    for (int from = 0; from < changes; from += perBatch) {
      int n = Math.min(perBatch, changes - from);
      int[] changed = new int[n];
      int[] versions = new int[n];
      for (int j = 0; j < n; j++) {
        changed[j] = (from + j) % paths;
        versions[j] = 1 + (from + j) / paths;
      }
      long now = origin.publishBatch(tree.batchBody(changed, versions, sizes, null), "changes");
      if (now != head + n) {
        throw new BenchFailure("a batch of " + n + " changes moved the head to " + now);
      }
      head = now;
    }
    System.out.printf(
        Locale.ROOT,
        "setup: published %,d changes over %,d paths, head %d%n",
        changes,
        paths,
        head);
    return head;
  }

  private static void report(
      String what,
      BootstrapRounds.Cost cost,
      Path store,
      long head,
      int[] sizes,
      SyncTestbed testbed)
      throws IOException {
    long seq = JsonFields.cursorSeq(store);
    long count = testbed.countFiles(store, sizes);
    if (seq != head || count != sizes.length) {
      throw new BenchFailure(
          what + " left cursor seq " + seq + " and " + count + " files, expected " + head);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s, machine CPU %.1f s (store %s)%n",
        what,
        cost.seconds(),
        cost.machineCpu(),
        store);
  }
}
