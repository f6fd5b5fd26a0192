package io.metamirror.bench.scale;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResidentMemory;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.RsyncDaemon;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.bench.harness.Workspace;
import io.metamirror.bench.origin.FeedComparison;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One tree through every step of the scale benchmark, each beside its reference: generated,
 * published offline ({@code origin publish-dir}) beside rsync + flush, the origin started on it,
 * its feed read beside nginx, bootstrapped ({@code sync --once}) beside rsync from a daemon, served
 * beside nginx, freshness through a delay proxy, changed and republished through the API and caught
 * up beside a fresh bootstrap and rsync of the delta. Every copy of the tree is deleted as soon as
 * its rows are measured, and all of them at the end, so that a 1,000,000-file run fits the disk;
 * {@code scope} prefixes the rows and names the files of a second run in the same workspace.
 */
final class ScaleRun {
  private static final int MILLION = 1_000_000;
  private static final String FLUSHED = "rsync -a \"$1\" \"$2\" && sync --file-system \"$2\"";
  private static final String LOCAL = "rsync -a (local) + sync -f";
  private static final String PULL = "rsync -a daemon + sync -f";

  /** What a run measures besides publish and bootstrap, which every other step needs. */
  record Steps(
      boolean feed,
      int feedRounds,
      ScaleServe.Settings serve,
      int freshFiles,
      int delayMs,
      boolean catchUp) {}

  private final Harness harness;
  private final ScaleParts parts;
  private final String scope;
  private final String name;
  private final int files;
  private final int changes;
  private final long seed;
  private final ResultTable results;
  private final ChildProcesses processes;
  private final Workspace workspace;

  ScaleRun(Harness harness, ScaleParts parts, String scope, int files, int changes, long seed) {
    this.harness = harness;
    this.parts = parts;
    this.scope = scope;
    this.name = scope.isEmpty() ? "" : "-" + scope.replaceAll("[^a-z0-9]+", "");
    this.files = files;
    this.changes = changes;
    this.seed = seed;
    this.results = harness.results();
    this.processes = harness.processes();
    this.workspace = harness.workspace();
  }

  /** Runs the steps; {@code serve} null skips serving. Returns the tree's size on disk in MB. */
  double run(Steps steps) throws IOException, InterruptedException {
    Stopwatch part = Stopwatch.start();
    ScaleTree tree = ScaleTree.generate(seed, workspace.directory("tree" + name), files);
    processes.run("sync");
    double treeMb = ScaleTree.diskMb(processes, tree.root());
    parts.done(scope + "generate", part);

    part = Stopwatch.start();
    Path data = workspace.directory("origin-data" + name);
    Path copy = workspace.file("rsync-copy" + name);
    publishDir(tree, data, copy, treeMb);
    if (!steps.catchUp()) {
      delete(copy);
    }
    parts.done(scope + "publish", part);

    part = Stopwatch.start();
    OriginServer origin = startOrigin(data);
    long head = origin.api().head();
    parts.done(scope + "origin", part);

    if (steps.feed()) {
      part = Stopwatch.start();
      FeedComparison feed =
          FeedComparison.measure(
              harness, "nginx-feed" + name, origin.url(), 10_000, steps.feedRounds(), null, head);
      feed.addRow(results)
          .note("goal >= 1 x: " + ResultTable.verdict(feed.origin().rate() >= feed.nginx().rate()))
          .note(String.format(Locale.ROOT, "first read (cold) %,.0f/s", feed.cold().rate()));
      parts.done(scope + "feed", part);
    }

    part = Stopwatch.start();
    Path store = workspace.file("store" + name);
    MeasuredRun bootstrap = syncOnce(origin, data, store, "sync-once-bootstrap" + name);
    tree.checkStore(store, head, "bootstrap");
    RsyncDaemon daemon = RsyncDaemon.start(harness, tree.root());
    Path rsyncDst = workspace.file("rsync-dst" + name);
    MeasuredRun pulled = rsyncPull(tree, daemon, rsyncDst, "rsync-bootstrap" + name);
    tree.check(rsyncDst, "rsync bootstrap");
    addBootstrapRows(bootstrap, pulled, store, rsyncDst);
    if (!steps.catchUp()) {
      delete(rsyncDst);
    }
    parts.done(scope + "bootstrap", part);

    if (steps.serve() != null) {
      part = Stopwatch.start();
      ScaleServe.measure(harness, scope, steps.serve(), origin, store, tree).addRows(results);
      parts.done(scope + "serve", part);
    }

    if (steps.freshFiles() > 0) {
      part = Stopwatch.start();
      ScaleFreshness.measure(harness, origin, store, tree, steps.freshFiles(), steps.delayMs())
          .addRows(results);
      parts.done(scope + "freshness", part);
    }

    if (steps.catchUp()) {
      part = Stopwatch.start();
      catchUp(tree, origin, data, store, copy, daemon, rsyncDst);
      parts.done(scope + "catch-up", part);
    }

    processes.stop(origin.process());
    processes.stop(daemon.process());
    delete(store);
    delete(data);
    delete(tree.root());
    return treeMb;
  }

  private void publishDir(ScaleTree tree, Path data, Path copy, double treeMb)
      throws IOException, InterruptedException {
    warm(tree.root());
    MeasuredRun publish =
        MeasuredRun.of(
            harness,
            "publish-dir" + name,
            harness.metamirror(
                "origin", "publish-dir", "--data", data.toString(), tree.root().toString()),
            Harness.javaOptions("ORIGIN_JAVA_OPTS"));
    MeasuredRun copied =
        MeasuredRun.shell(harness, "rsync-copy" + name, FLUSHED, tree.root() + "/", copy);
    tree.check(copy, "rsync -a copy");
    results
        .add(
            scope + "publish, origin publish-dir (offline)",
            "files/s",
            publish.filesPerSecond(files),
            LOCAL,
            copied.filesPerSecond(files))
        .note("goal >= 1 x: " + ResultTable.verdict(publish.seconds() <= copied.seconds()))
        .note("JVM start included");
    results.add(
        scope + "publish, peak RSS", "MB", publish.peakMb(), "rsync -a (local)", copied.peakMb());
    results.add(
        scope + "origin data on disk",
        "MB",
        ScaleTree.diskMb(processes, data),
        "the tree (du)",
        treeMb);
  }

  /** The origin on the published data: its start-up, what it started from, its memory. */
  private OriginServer startOrigin(Path data) throws IOException, InterruptedException {
    OriginDataShape shape = OriginDataShape.of(data);
    Stopwatch starting = Stopwatch.start();
    OriginServer origin = OriginServer.start(harness, "origin" + name, data);
    double startup = starting.seconds();
    long head = origin.api().head();
    if (head < files) {
      throw new BenchFailure("the origin's head is " + head + " after publishing " + files);
    }
    Thread.sleep(1000);
    double idleMb = ResidentMemory.kib(origin.process().pid()) / 1024.0;
    System.out.printf(
        Locale.ROOT,
        "origin%s: up in %.2f s on %,d files, %s; RSS %.0f MB a second later%n",
        name,
        startup,
        files,
        shape.describe(),
        idleMb);
    results
        .addWithoutReference(
            scope + "origin start-up, " + files + " files, " + shape.describe(), "s", startup)
        .note(atMillion("goal < 10 s", startup < 10))
        .note("until health answers, JVM start included");
    results
        .addWithoutReference(scope + "origin RSS after start", "MB", idleMb)
        .note(atMillion("goal < 1 GB", idleMb < 1024));
    return origin;
  }

  private void addBootstrapRows(MeasuredRun bootstrap, MeasuredRun pulled, Path store, Path dst)
      throws IOException, InterruptedException {
    results
        .add(
            scope + "bootstrap, sync --once",
            "files/s",
            bootstrap.filesPerSecond(files),
            PULL,
            pulled.filesPerSecond(files))
        .note("goal >= 1 x: " + ResultTable.verdict(bootstrap.seconds() <= pulled.seconds()))
        .note(
            String.format(Locale.ROOT, "%.1f s vs %.1f s", bootstrap.seconds(), pulled.seconds()));
    results
        .add(
            scope + "bootstrap, peak RSS",
            "MB",
            bootstrap.peakMb(),
            "rsync client",
            pulled.peakMb())
        .note("the sync agent alone");
    results.add(
        scope + "bootstrap, source's peak RSS",
        "MB",
        bootstrap.alongsideMb(),
        "rsync daemon",
        pulled.alongsideMb());
    results
        .add(
            scope + "store on disk",
            "MB",
            ScaleTree.diskMb(processes, store),
            "rsync's copy",
            ScaleTree.diskMb(processes, dst))
        .note("the store holds a .gz twin of every file");
  }

  /**
   * The changes written into the tree and published through the API ({@code metamirror publish})
   * beside rsync + flush into the first copy; then the bootstrapped store caught up beside a fresh
   * bootstrap of the result and rsync of the delta into rsync's bootstrapped copy. Each copy is
   * deleted once measured.
   */
  private void catchUp(
      ScaleTree tree,
      OriginServer origin,
      Path data,
      Path store,
      Path copy,
      RsyncDaemon daemon,
      Path rsyncDst)
      throws IOException, InterruptedException {
    tree.change(changes);
    processes.run("sync");
    long head = origin.api().head();
    MeasuredRun republish =
        MeasuredRun.of(
            harness,
            "publish-api" + name,
            harness.metamirror(
                "publish",
                "--origin",
                origin.url(),
                "--token-file",
                workspace.file("origin" + name + ".token").toString(),
                tree.root().toString()),
            Harness.javaOptions("ORIGIN_JAVA_OPTS"),
            origin.process().toHandle());
    long newHead = origin.api().head();
    if (newHead != head + changes) {
      throw new BenchFailure(
          "publish of " + changes + " changes moved the head from " + head + " to " + newHead);
    }
    MeasuredRun recopied =
        MeasuredRun.shell(harness, "rsync-copy-changes" + name, FLUSHED, tree.root() + "/", copy);
    tree.check(copy, "rsync -a copy of the changes");
    delete(copy);
    results
        .add(
            scope + "publish " + changes + " changes, metamirror publish (API)",
            "files/s",
            changes / republish.seconds(),
            LOCAL,
            changes / recopied.seconds())
        .note("whole tree compared; JVM start included");

    MeasuredRun caughtUp = syncOnce(origin, data, store, "sync-once-catch-up" + name);
    tree.checkStore(store, newHead, "catch-up");
    Path fresh = workspace.file("store-fresh" + name);
    MeasuredRun rebootstrap = syncOnce(origin, data, fresh, "sync-once-fresh" + name);
    tree.checkStore(fresh, newHead, "fresh bootstrap");
    parts.workspaceMeasured(ScaleTree.diskMb(processes, workspace.root()) / 1024);
    delete(fresh);
    MeasuredRun delta = rsyncPull(tree, daemon, rsyncDst, "rsync-catch-up" + name);
    tree.check(rsyncDst, "rsync catch-up");
    delete(rsyncDst);
    String row =
        String.format(
            Locale.ROOT,
            "%scatch-up of %,d changes on %,d files, sync --once",
            scope,
            changes,
            files);
    results
        .add(row, "s", caughtUp.seconds(), "fresh bootstrap, sync --once", rebootstrap.seconds())
        .note(
            "goal <= 1.2 x: "
                + ResultTable.verdict(caughtUp.seconds() <= 1.2 * rebootstrap.seconds()));
    results.add(row, "s", caughtUp.seconds(), PULL + " of the delta", delta.seconds());
  }

  /** One {@code metamirror sync --once} into {@code store}, its source read whole first. */
  private MeasuredRun syncOnce(OriginServer origin, Path data, Path store, String log)
      throws IOException, InterruptedException {
    warm(data);
    MeasuredRun run =
        MeasuredRun.of(
            harness,
            log,
            harness.metamirror(
                "sync", "--origin", origin.url(), "--store", store.toString(), "--once"),
            Harness.javaOptions("SYNC_JAVA_OPTS"),
            origin.process().toHandle());
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s, agent peak RSS %.0f MB, origin peak RSS %.0f MB%n",
        log,
        run.seconds(),
        run.peakMb(),
        run.alongsideMb());
    return run;
  }

  /** {@code rsync -a} from the daemon into {@code dst}, then a flush; the tree read whole first. */
  private MeasuredRun rsyncPull(ScaleTree tree, RsyncDaemon daemon, Path dst, String log)
      throws IOException, InterruptedException {
    warm(tree.root());
    MeasuredRun run =
        MeasuredRun.shellAlongside(
            harness,
            log,
            "mkdir -p \"$2\" && " + FLUSHED,
            new ProcessHandle[] {daemon.process().toHandle()},
            daemon.moduleUrl(),
            dst + "/");
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s, client peak RSS %.0f MB, daemon peak RSS %.0f MB%n",
        log,
        run.seconds(),
        run.peakMb(),
        run.alongsideMb());
    return run;
  }

  /**
   * Reads a source whole and flushes, off the clock: what follows starts from a warm page cache
   * with nothing of the setup left to write back.
   */
  private void warm(Path source) throws IOException, InterruptedException {
    processes.readWhole(source);
    processes.run("sync");
  }

  /** Deletes a copy whose rows are measured, and says how much disk the run holds after. */
  private void delete(Path dir) throws IOException, InterruptedException {
    processes.run("rm", "-rf", dir.toString());
    System.out.printf(
        Locale.ROOT,
        "deleted %s; free space %.2f GB below the start (peak %.2f GB)%n",
        workspace.root().relativize(dir),
        parts.usedGb(),
        parts.peakGb());
  }

  /** A goal issue 21 sets for 1,000,000 files: judged only at that size. */
  private String atMillion(String goal, boolean met) {
    return goal
        + " at 1,000,000 files: "
        + (files >= MILLION ? ResultTable.verdict(met) : "not judged at " + files);
  }
}
