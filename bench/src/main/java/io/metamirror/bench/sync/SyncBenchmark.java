package io.metamirror.bench.sync;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.chaos.DelayProxy;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.ResultTable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Sync: how fast a store gets a new file (freshness), a whole tree (bootstrap) and a changed file
 * (incremental), each beside rsync doing the same job in the same run.
 *
 * <ol>
 *   <li><b>bootstrap</b>: N generated files published (batch API) and written to a plain directory
 *       an rsync daemon serves; then one {@code metamirror sync --once} into an empty store, and
 *       {@code rsync -a rsync://…/tree/ dst/} into an empty directory followed by {@code sync
 *       --file-system} (the store flushes before it moves its cursor, so the reference is made
 *       durable too), and the same plus a {@code gzip -1 -k} twin per file (the layout the agent
 *       writes, for nginx's {@code gzip_static}).
 *   <li><b>incremental</b>: with {@code metamirror sync} following that store, one existing file
 *       changed (PUT) and timed until the store has its new size; the reference writes the same
 *       change into the daemon's directory and rsyncs the whole tree into a destination that was
 *       equal before it.
 *   <li><b>freshness</b>: new files published one at a time (PUT), each timed until it has its size
 *       at its path in the store; the reference writes each into a directory and runs {@code rsync
 *       -a src/ dst/} once: what an inotify + rsync setup costs per change. With {@code
 *       --origin-delay-ms D}, a second agent follows the same store through a {@link DelayProxy}
 *       that adds D ms each way between it and the origin (freshness under distance, issue 21).
 * </ol>
 *
 * <p>{@code metamirror sync} runs through the launcher, as a user runs it (with its JVM defaults;
 * {@code SYNC_JAVA_OPTS} comes after them).
 *
 * <p>Each part is its own class ({@link BootstrapRounds} with {@link RsyncBootstrap}, {@link
 * IncrementalChanges}, {@link Freshness}) on one {@link SyncTestbed}; this class reads the options,
 * sets up the tree, runs the parts in that order and reports freshness, bootstrap, incremental.
 */
public final class SyncBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files 100000] [--size 2048] [--batch 1000] [--fresh 1000] [--incremental 20]"
          + " [--incremental-ref 5] [--bootstrap-rounds 1] [--poll-us 200] [--seed 42]"
          + " [--origin-delay-ms 0]";

  private final int files;
  private final int batch;
  private final int fresh;
  private final int incremental;
  private final int incrementalRef;
  private final int bootstrapRounds;
  private final int pollMicros;
  private final long seed;
  private final int originDelayMillis;
  private final ComposerLikeFiles tree;

  public SyncBenchmark(Options options) {
    files = options.positive("files", 100_000);
    int size = options.positive("size", 2_048);
    batch = options.positive("batch", 1_000);
    fresh = options.positive("fresh", 1_000);
    incremental = options.positive("incremental", 20);
    incrementalRef = options.positive("incremental-ref", 5);
    bootstrapRounds = options.positive("bootstrap-rounds", 1);
    pollMicros = options.positive("poll-us", 200);
    seed = options.longValue("seed", 42);
    originDelayMillis = options.nonNegative("origin-delay-ms", 0);
    tree = new ComposerLikeFiles(seed, size);
  }

  @Override
  public void run(Harness harness) throws Exception {
    SyncTestbed testbed = SyncTestbed.start(harness, tree, files, pollMicros);
    OriginApi origin = testbed.origin().api();
    System.out.printf(
        Locale.ROOT,
        "origin %s; %d files of ~%d B; work dir %s%n",
        origin.url(),
        files,
        tree.size(),
        testbed.work());

    // The tree: published to the origin, and the same bytes written where rsyncd serves them.
    int[] sizes = new int[files];
    testbed.publishTree(batch, sizes);
    double writing = tree.writeTree(testbed.rsyncSrc(), files, sizes, harness.processes());
    System.out.printf(
        Locale.ROOT,
        "setup: wrote the same %d files to %s (served by rsyncd at %s) + sync in %.1f s%n",
        files,
        testbed.rsyncSrc(),
        testbed.rsyncUrl(),
        writing);

    BootstrapRounds bootstraps = BootstrapRounds.measure(testbed, bootstrapRounds, sizes);

    // Incremental and freshness, with an agent following the bootstrapped store.
    Process agent = testbed.startAgent(bootstraps.store());
    IncrementalChanges incrementals =
        IncrementalChanges.measure(
            testbed,
            seed,
            incremental,
            incrementalRef,
            bootstraps.store(),
            bootstraps.rsyncDst(),
            sizes);
    Freshness freshness;
    if (originDelayMillis == 0) {
      freshness = Freshness.measure(testbed, fresh, bootstraps.store(), 0);
      harness.processes().stop(agent);
    } else {
      // Freshness under distance: the same store, followed by an agent behind a delay proxy.
      harness.processes().stop(agent);
      URI url = URI.create(testbed.origin().url());
      try (DelayProxy proxy =
          DelayProxy.start(
              "origin",
              new InetSocketAddress(url.getHost(), url.getPort()),
              Duration.ofMillis(originDelayMillis))) {
        Process far = testbed.startAgent(bootstraps.store(), proxy.url(), "agent-far.log");
        freshness = Freshness.measure(testbed, fresh, bootstraps.store(), originDelayMillis);
        harness.processes().stop(far);
      }
    }

    ResultTable results = harness.results();
    freshness.report(results);
    bootstraps.report(results, files);
    incrementals.report(results);
    harness.finish(
        String.format(
            Locale.ROOT,
            "sync: %d files of ~%d B, %d fresh files (origin %d ms one way), %d CPUs",
            files,
            tree.size(),
            fresh,
            originDelayMillis,
            Runtime.getRuntime().availableProcessors()));
  }
}
