package io.metamirror.bench.scale;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.Machine;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResidentMemory;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.RsyncDaemon;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.bench.harness.Workspace;
import io.metamirror.bench.mirror.Wrk;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench/run scale}: issue 21's benchmark at packagist's scale. A packagist-shaped tree is
 * generated on disk, published offline ({@code origin publish-dir}) into a data directory an origin
 * then starts on, bootstrapped with {@code sync --once}, served by a mirror node, changed and
 * republished through the API ({@code metamirror publish}), and caught up; each step beside its
 * reference in the same run (rsync + flush for copying, nginx for serving).
 */
public final class ScaleBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files N] [--changes M] [--short] [--duration S] [--warmup S] [--connections N]"
          + " [--threads N] [--seed N]";
  public static final Set<String> FLAGS = Set.of("short");

  private static final int MILLION = 1_000_000;
  private static final String FLUSHED = "rsync -a \"$1\" \"$2\" && sync --file-system \"$2\"";

  private final int files;
  private final int changes;
  private final int duration;
  private final int warmup;
  private final int connections;
  private final int threads;
  private final long seed;

  public ScaleBenchmark(Options options) {
    boolean quick = options.bool("short", false);
    files = options.positive("files", quick ? 1_000 : MILLION);
    changes = options.positive("changes", quick ? 100 : 100_000);
    duration = options.positive("duration", quick ? 2 : 10);
    warmup = options.positive("warmup", quick ? 1 : 5);
    connections = options.positive("connections", 32);
    threads = options.positive("threads", 2);
    seed = options.longValue("seed", 42);
    if (changes > files) {
      throw new IllegalArgumentException(
          "--changes (" + changes + ") must not exceed --files (" + files + ")");
    }
  }

  @Override
  public void run(Harness harness) throws Exception {
    String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Workspace workspace = harness.workspace();
    ChildProcesses processes = harness.processes();
    ResultTable results = harness.results();

    System.out.printf(
        Locale.ROOT,
        "JVM start and exit (metamirror --version, best of 3): %.2f s; in every metamirror row%n",
        harness.jvmStartSeconds("ORIGIN_JAVA_OPTS"));
    Stopwatch generating = Stopwatch.start();
    ScaleTree tree = ScaleTree.generate(seed, workspace.directory("tree"), files);
    processes.run("sync");
    System.out.printf(Locale.ROOT, "generated and flushed in %.1f s%n", generating.seconds());
    double treeMb = ScaleTree.diskMb(processes, tree.root());

    // publish: offline into an empty data directory, beside a local rsync + flush of the tree
    Path data = workspace.directory("origin-data");
    processes.readWhole(tree.root());
    processes.run("sync");
    MeasuredRun publish =
        MeasuredRun.of(
            harness,
            "publish-dir",
            harness.metamirror(
                "origin", "publish-dir", "--data", data.toString(), tree.root() + ""),
            Harness.javaOptions("ORIGIN_JAVA_OPTS"));
    Path copy = workspace.file("rsync-copy");
    MeasuredRun copied = MeasuredRun.shell(harness, "rsync-copy", FLUSHED, tree.root() + "/", copy);
    tree.check(copy, "rsync -a copy");
    String local = "rsync -a (local) + sync -f";
    results
        .add(
            "publish, origin publish-dir (offline)",
            "files/s",
            publish.filesPerSecond(files),
            local,
            copied.filesPerSecond(files))
        .note("goal >= 1 x: " + ResultTable.verdict(publish.seconds() <= copied.seconds()))
        .note("JVM start included");
    results.add("publish, peak RSS", "MB", publish.peakMb(), "rsync -a (local)", copied.peakMb());
    results.add(
        "origin data on disk", "MB", ScaleTree.diskMb(processes, data), "the tree (du)", treeMb);

    // origin start-up with that journal, and its memory
    Stopwatch starting = Stopwatch.start();
    OriginServer origin = OriginServer.start(harness, "origin", data);
    double startup = starting.seconds();
    long head = origin.api().head();
    if (head < files) {
      throw new BenchFailure("the origin's head is " + head + " after publishing " + files);
    }
    Thread.sleep(1000);
    double originIdleMb = ResidentMemory.kib(origin.process().pid()) / 1024.0;
    results
        .addWithoutReference("origin start-up, " + head + "-entry journal", "s", startup)
        .note(atMillion("goal < 10 s", startup < 10))
        .note("until health answers, JVM start included");
    results
        .addWithoutReference("origin RSS after start", "MB", originIdleMb)
        .note(atMillion("goal < 1 GB", originIdleMb < 1024));

    // bootstrap: sync --once into an empty store, beside rsync from a daemon + flush
    Path store = workspace.file("store");
    MeasuredRun bootstrap = syncOnce(harness, origin, data, store, "sync-once-bootstrap");
    tree.checkStore(store, head, "bootstrap");
    RsyncDaemon daemon = RsyncDaemon.start(harness, tree.root());
    Path rsyncDst = workspace.file("rsync-dst");
    MeasuredRun pulled = rsyncPull(harness, tree, daemon, rsyncDst, "rsync-bootstrap");
    tree.check(rsyncDst, "rsync bootstrap");
    String pull = "rsync -a daemon + sync -f";
    results
        .add(
            "bootstrap, sync --once",
            "files/s",
            bootstrap.filesPerSecond(files),
            pull,
            pulled.filesPerSecond(files))
        .note("goal >= 1 x: " + ResultTable.verdict(bootstrap.seconds() <= pulled.seconds()));
    results
        .add("bootstrap, peak RSS", "MB", bootstrap.peakMb(), "rsync client", pulled.peakMb())
        .note("the sync agent alone");
    results.add(
        "bootstrap, source's peak RSS",
        "MB",
        bootstrap.alongsideMb(),
        "rsync daemon",
        pulled.alongsideMb());
    results
        .add(
            "store on disk",
            "MB",
            ScaleTree.diskMb(processes, store),
            "rsync's copy",
            ScaleTree.diskMb(processes, rsyncDst))
        .note("the store holds a .gz twin of every file");

    Wrk wrk = new Wrk(processes, threads, connections);
    ScaleServe.measure(harness, wrk, origin, store, tree, warmup, duration).addRows(results);

    // catch-up after the changes, published through the API
    tree.change(changes);
    processes.run("sync");
    MeasuredRun republish =
        MeasuredRun.of(
            harness,
            "publish-api",
            harness.metamirror(
                "publish",
                "--origin",
                origin.url(),
                "--token-file",
                workspace.file("origin.token").toString(),
                tree.root().toString()),
            Harness.javaOptions("ORIGIN_JAVA_OPTS"),
            origin.process().toHandle());
    long newHead = origin.api().head();
    if (newHead != head + changes) {
      throw new BenchFailure(
          "publish of " + changes + " changes moved the head from " + head + " to " + newHead);
    }
    MeasuredRun recopied =
        MeasuredRun.shell(harness, "rsync-copy-changes", FLUSHED, tree.root() + "/", copy);
    tree.check(copy, "rsync -a copy of the changes");
    results
        .add(
            "publish " + changes + " changes, metamirror publish (API)",
            "files/s",
            changes / republish.seconds(),
            local,
            changes / recopied.seconds())
        .note("whole tree compared; JVM start included");

    MeasuredRun catchUp = syncOnce(harness, origin, data, store, "sync-once-catch-up");
    tree.checkStore(store, newHead, "catch-up");
    Path fresh = workspace.file("store-fresh");
    MeasuredRun rebootstrap = syncOnce(harness, origin, data, fresh, "sync-once-fresh");
    tree.checkStore(fresh, newHead, "fresh bootstrap");
    MeasuredRun delta = rsyncPull(harness, tree, daemon, rsyncDst, "rsync-catch-up");
    tree.check(rsyncDst, "rsync catch-up");
    String catchUpRow = "catch-up of " + changes + " changes, sync --once";
    results
        .add(
            catchUpRow,
            "s",
            catchUp.seconds(),
            "fresh bootstrap, sync --once",
            rebootstrap.seconds())
        .note(
            "goal <= 1.2 x: "
                + ResultTable.verdict(catchUp.seconds() <= 1.2 * rebootstrap.seconds()));
    results.add(catchUpRow, "s", catchUp.seconds(), pull + " of the delta", delta.seconds());

    harness.finish(
        String.format(
            Locale.ROOT,
            "scale: %,d files (%,.0f MB on disk), %,d changes; %s; %s",
            files,
            treeMb,
            changes,
            date,
            Machine.describe(workspace.root())));
  }

  /** One {@code metamirror sync --once} into {@code store}, its source read whole first. */
  private static MeasuredRun syncOnce(
      Harness harness, OriginServer origin, Path data, Path store, String name)
      throws IOException, InterruptedException {
    harness.processes().readWhole(data);
    harness.processes().run("sync");
    MeasuredRun run =
        MeasuredRun.of(
            harness,
            name,
            harness.metamirror(
                "sync", "--origin", origin.url(), "--store", store.toString(), "--once"),
            Harness.javaOptions("SYNC_JAVA_OPTS"),
            origin.process().toHandle());
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s, agent peak RSS %.0f MB, origin peak RSS %.0f MB%n",
        name,
        run.seconds(),
        run.peakMb(),
        run.alongsideMb());
    return run;
  }

  /** {@code rsync -a} from the daemon into {@code dst}, then a flush; the tree read whole first. */
  private static MeasuredRun rsyncPull(
      Harness harness, ScaleTree tree, RsyncDaemon daemon, Path dst, String name)
      throws IOException, InterruptedException {
    harness.processes().readWhole(tree.root());
    harness.processes().run("sync");
    MeasuredRun run =
        MeasuredRun.shellAlongside(
            harness,
            name,
            "mkdir -p \"$2\" && " + FLUSHED,
            new ProcessHandle[] {daemon.process().toHandle()},
            daemon.moduleUrl(),
            dst + "/");
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s, client peak RSS %.0f MB, daemon peak RSS %.0f MB%n",
        name,
        run.seconds(),
        run.peakMb(),
        run.alongsideMb());
    return run;
  }

  /** A goal issue 21 sets for 1,000,000 files: judged only at that size. */
  private String atMillion(String goal, boolean met) {
    return goal
        + " at 1,000,000 files: "
        + (files >= MILLION ? ResultTable.verdict(met) : "not judged at " + files);
  }
}
