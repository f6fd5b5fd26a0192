package io.metamirror.bench.sync;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.CpuTime;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import io.metamirror.bench.harness.RsyncDaemon;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

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
 *       -a src/ dst/} once: what an inotify + rsync setup costs per change.
 * </ol>
 *
 * <p>{@code metamirror sync} runs through the launcher, as a user runs it (with its JVM defaults;
 * {@code SYNC_JAVA_OPTS} comes after them).
 */
public final class SyncBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files 100000] [--size 2048] [--batch 1000] [--fresh 1000] [--incremental 20]"
          + " [--incremental-ref 5] [--bootstrap-rounds 1] [--poll-us 200] [--seed 42]";

  private static final double FRESHNESS_P99_TARGET_MS = 100;
  private static final double INCREMENTAL_SPEEDUP_TARGET = 10;
  private static final Duration APPEAR_LIMIT = Duration.ofSeconds(60);

  private final int files;
  private final int batch;
  private final int fresh;
  private final int incremental;
  private final int incrementalRef;
  private final int bootstrapRounds;
  private final int pollMicros;
  private final long seed;
  private final ComposerLikeFiles tree;

  private Harness harness;
  private OriginApi origin;
  private Path work;
  private Path rsyncSrc;
  private String rsyncUrl;

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
    tree = new ComposerLikeFiles(seed, size);
  }

  /** One bootstrap: its wall time, and what it cost all the machine's cores. */
  private record Bootstrap(double seconds, double machineCpu) {}

  /** rsync's bootstrap: alone, then flushed, then with gzip twins made and flushed. */
  private record RsyncBootstrap(double plain, Bootstrap flushed, Bootstrap twins) {}

  @Override
  public void run(Harness harness) throws Exception {
    this.harness = harness;
    OriginServer server = OriginServer.start(harness, "origin");
    origin = server.api();
    work = harness.workspace().directory("work");
    rsyncSrc = harness.workspace().directory("rsync-src");
    rsyncUrl = RsyncDaemon.start(harness, rsyncSrc).moduleUrl();
    long head = origin.head();
    if (head != 0) {
      throw new BenchFailure("the origin must be empty (head 0), it has head " + head);
    }
    System.out.printf(
        Locale.ROOT,
        "origin %s; %d files of ~%d B; work dir %s%n",
        origin.url(),
        files,
        tree.size(),
        work);

    // The tree: published to the origin, and the same bytes written where rsyncd serves them.
    int[] sizes = new int[files];
    publishTree(sizes);
    double writing = tree.writeTree(rsyncSrc, files, sizes, harness.processes());
    System.out.printf(
        Locale.ROOT,
        "setup: wrote the same %d files to %s (served by rsyncd at %s) + sync in %.1f s%n",
        files,
        rsyncSrc,
        rsyncUrl,
        writing);
    double jvmStart = jvmStartSeconds();

    Samples oursSeconds = new Samples();
    Samples oursCpu = new Samples();
    List<RsyncBootstrap> references = new ArrayList<>();
    Path store = null;
    Path rsyncDst = null;
    for (int r = 1; r <= bootstrapRounds; r++) {
      if (store != null) {
        harness.processes().run("rm", "-rf", store.toString(), rsyncDst.toString());
      }
      store = work.resolve("store-" + r);
      rsyncDst = work.resolve("rsync-dst-" + r);
      Bootstrap ours = bootstrapMetamirror(store, server.data(), sizes);
      oursSeconds.add(ours.seconds());
      oursCpu.add(ours.machineCpu());
      references.add(bootstrapRsync(rsyncDst, sizes));
    }

    // Incremental and freshness, with an agent following the bootstrapped store.
    Process agent = startAgent(store);
    Samples[] incrementals = incremental(store, rsyncDst, sizes);
    Samples[] freshness = freshness(store);
    harness.processes().stop(agent);

    report(jvmStart, oursSeconds, oursCpu, references, incrementals[0], incrementals[1], freshness);
  }

  private void publishTree(int[] sizes) throws IOException, InterruptedException {
    Stopwatch clock = Stopwatch.start();
    long expectedHead = 0;
    for (int from = 0; from < files; from += batch) {
      int to = Math.min(files, from + batch);
      long head =
          origin.publishBatch(
              tree.batchBody(from, to, sizes, null), "files " + from + ".." + (to - 1));
      expectedHead += to - from;
      if (head != expectedHead) {
        throw new BenchFailure(
            "after batch " + from + ": head " + head + ", expected " + expectedHead);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "setup: published %d files to the origin in %.1f s (batch API, %d per batch)%n",
        files,
        clock.seconds(),
        batch);
  }

  private List<String> metamirror(String... args) {
    return harness.metamirror(args);
  }

  private static Map<String, String> syncJavaOptions() {
    return Harness.javaOptions("SYNC_JAVA_OPTS");
  }

  /** How long the CLI's JVM takes to start and exit: part of every {@code sync --once}. */
  private double jvmStartSeconds() throws IOException, InterruptedException {
    double best = Double.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      Stopwatch clock = Stopwatch.start();
      harness.processes().run(metamirror("--version"), syncJavaOptions(), null);
      best = Math.min(best, clock.seconds());
    }
    return best;
  }

  // ---- bootstrap ----

  /** One {@code sync --once} into an empty store. */
  private Bootstrap bootstrapMetamirror(Path store, Path originData, int[] sizes)
      throws IOException, InterruptedException {
    warm(originData);
    harness.processes().run("sync"); // nothing of the setup left to flush on the clock
    Path log = work.resolve(store.getFileName() + ".log");
    double cpuStart = CpuTime.machineBusySeconds();
    Stopwatch clock = Stopwatch.start();
    harness
        .processes()
        .run(
            metamirror("sync", "--origin", origin.url(), "--store", store.toString(), "--once"),
            syncJavaOptions(),
            log);
    double seconds = clock.seconds();
    double cpu = CpuTime.machineBusySeconds() - cpuStart;
    long seq = JsonFields.cursorSeq(store);
    long count = countFiles(store, sizes);
    if (seq != files || count != files) {
      throw new BenchFailure(
          "sync --once left cursor seq " + seq + " and " + count + " files, expected " + files);
    }
    System.out.printf(
        Locale.ROOT,
        "bootstrap  metamirror sync --once: %d files in %.3f s = %,.0f files/s, machine CPU"
            + " %.1f s (agent + origin) (store %s)%n",
        files,
        seconds,
        files / seconds,
        cpu,
        store);
    return new Bootstrap(seconds, cpu);
  }

  /** One pull from the daemon into an empty directory. */
  private RsyncBootstrap bootstrapRsync(Path dst, int[] sizes)
      throws IOException, InterruptedException {
    warm(rsyncSrc);
    harness.processes().run("sync");
    Files.createDirectories(dst);
    double cpuStart = CpuTime.machineBusySeconds();
    Stopwatch clock = Stopwatch.start();
    harness.processes().run("rsync", "-a", rsyncUrl, dst + "/");
    double rsync = clock.seconds();
    harness.processes().run("sync", "--file-system", dst.toString());
    double flushed = clock.seconds();
    double cpu = CpuTime.machineBusySeconds() - cpuStart;
    long count = countFiles(dst, sizes);
    if (count != files) {
      throw new BenchFailure("rsync left " + count + " files, expected " + files);
    }
    // What rsync + nginx gzip_static needs on top: the .gz beside every file (gzip keeps the
    // file's mtime on it), made on both cores, then flushed: the layout the agent writes.
    double twinsCpuStart = CpuTime.machineBusySeconds();
    Stopwatch twinsClock = Stopwatch.start();
    harness
        .processes()
        .run(
            "sh",
            "-c",
            "find \"$1\" -type f ! -name '*.gz' -print0 | xargs -0 -n 500 -P 2 gzip -1 -k",
            "sh",
            dst.toString());
    harness.processes().run("sync", "--file-system", dst.toString());
    double withTwins = flushed + twinsClock.seconds();
    double twinsCpu = cpu + CpuTime.machineBusySeconds() - twinsCpuStart;
    // Off the clock: the incremental reference later rsyncs into dst, and is to see rsync's tree.
    harness.processes().run("find", dst.toString(), "-type", "f", "-name", "*.gz", "-delete");
    System.out.printf(
        Locale.ROOT,
        "bootstrap  reference rsync -a (daemon): %d files in %.3f s = %,.0f files/s;"
            + " + sync --file-system: %.3f s = %,.0f files/s, machine CPU %.1f s (client + daemon);"
            + " + gzip -1 -k twins + sync: %.3f s = %,.0f files/s, machine CPU %.1f s%n",
        files,
        rsync,
        files / rsync,
        flushed,
        files / flushed,
        cpu,
        withTwins,
        files / withTwins,
        twinsCpu);
    return new RsyncBootstrap(
        rsync, new Bootstrap(flushed, cpu), new Bootstrap(withTwins, twinsCpu));
  }

  /**
   * Reads every file under {@code dir}, off the clock, so that the bootstrap that follows starts
   * from a warm page cache. Both sources get this: the VMs this was written on page out page cache
   * left untouched for ~30 s, and a source written a minute before then measured the disk more than
   * the program (a 100,000-file snapshot took the origin 15 s cold, 3.8 s warm; reading rsync's
   * copy 10.5 s cold, 2.3 s warm).
   */
  private void warm(Path dir) throws IOException, InterruptedException {
    harness
        .processes()
        .run(
            "sh",
            "-c",
            "find \"$1\" -type f -print0 | xargs -0 cat > /dev/null",
            "sh",
            dir.toString());
  }

  /** Content files (not .gz twins, not state) under root, each checked for its size. */
  private long countFiles(Path root, int[] sizes) throws IOException {
    for (int i = 0; i < files; i++) {
      if (new File(root.toFile(), ComposerLikeFiles.path(i)).length() != sizes[i]) {
        throw new BenchFailure(
            root + ": " + ComposerLikeFiles.path(i) + " is missing or has the wrong size");
      }
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(
              p ->
                  !root.relativize(p).toString().startsWith(".metamirror")
                      && !p.getFileName().toString().endsWith(".gz")
                      && Files.isRegularFile(p))
          .count();
    }
  }

  // ---- the following agent ----

  private Process startAgent(Path store) throws IOException, InterruptedException {
    Path log = work.resolve("agent.log");
    Process p =
        harness
            .processes()
            .start(
                metamirror("sync", "--origin", origin.url(), "--store", store.toString()),
                syncJavaOptions(),
                log);
    // Following once status.json says so; then give the first long-poll a moment to be waiting.
    Path status = store.resolve(".metamirror/status.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!p.isAlive()) {
        throw new BenchFailure("the sync agent exited: " + ChildProcesses.lastLines(log, 5, " | "));
      }
      String s = Files.exists(status) ? Files.readString(status) : "";
      if (s.contains("\"state\":\"following\"") && s.contains("\"pid\":" + p.pid())) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(
            "the sync agent is not following after 60 s: "
                + ChildProcesses.lastLines(log, 5, " | "));
      }
      Thread.sleep(50);
    }
    Thread.sleep(500);
    System.out.printf(Locale.ROOT, "agent: metamirror sync (following), pid %d%n", p.pid());
    return p;
  }

  // ---- incremental ----

  /** A new version of file i whose size differs from {@code oldSize}, so a size check sees it. */
  private byte[] changed(int i, int version, int oldSize) {
    byte[] c = tree.content(i, version);
    if (c.length == oldSize) {
      c = Arrays.copyOf(c, c.length + 1);
      c[c.length - 1] = '\n';
    }
    return c;
  }

  /** {metamirror's latencies, rsync's}, in seconds. */
  private Samples[] incremental(Path store, Path rsyncDst, int[] sizes)
      throws IOException, InterruptedException {
    SplittableRandom pick = new SplittableRandom(seed);
    int[] version = new int[files];
    // Warm the agent (a long-running agent is warm): untimed changes, same as the timed ones.
    for (int k = 0; k < 20; k++) {
      int i = pick.nextInt(files);
      byte[] c = changed(i, ++version[i], sizes[i]);
      putAndAwait(ComposerLikeFiles.path(i), c, store);
      Files.write(rsyncSrc.resolve(ComposerLikeFiles.path(i)), c);
      sizes[i] = c.length;
    }
    harness.processes().run("rsync", "-a", rsyncUrl, rsyncDst + "/"); // equal to the source again
    harness.processes().run("sync");
    Samples ours = new Samples();
    Samples rsync = new Samples();
    int perRef = Math.max(1, incremental / incrementalRef);
    int done = 0;
    while (done < incremental || rsync.size() < incrementalRef) {
      for (int k = 0; k < perRef && done < incremental; k++, done++) {
        int i = pick.nextInt(files);
        byte[] c = changed(i, ++version[i], sizes[i]);
        ours.add(putAndAwait(ComposerLikeFiles.path(i), c, store)[1]);
        Files.write(rsyncSrc.resolve(ComposerLikeFiles.path(i)), c); // keep the trees equal
        sizes[i] = c.length;
      }
      if (rsync.size() < incrementalRef) {
        int i = pick.nextInt(files);
        String path = ComposerLikeFiles.path(i);
        byte[] c = changed(i, ++version[i], sizes[i]);
        // The same change for both: metamirror first (untimed), then the timed rsync of a
        // destination that was equal to the source before this one change.
        putAndAwait(path, c, store);
        harness.processes().run("rsync", "-a", rsyncUrl, rsyncDst + "/");
        Stopwatch clock = Stopwatch.start();
        Files.write(rsyncSrc.resolve(path), c);
        harness.processes().run("rsync", "-a", rsyncUrl, rsyncDst + "/");
        awaitSize(rsyncDst.resolve(path), c.length, clock);
        rsync.add(clock.seconds());
        sizes[i] = c.length;
      }
    }
    System.out.println(
        "incremental metamirror PUT -> in store (ms): " + ours.list("%.1f", " ", 1000));
    System.out.println(
        "incremental reference rsync -a daemon, whole tree (ms): " + rsync.list("%.1f", " ", 1000));
    return new Samples[] {ours, rsync};
  }

  /**
   * PUTs content at path and polls the store until the file has its size. Returns {seconds until
   * the PUT was answered, seconds until the file was in the store}, both from sending the PUT.
   */
  private double[] putAndAwait(String path, byte[] content, Path store)
      throws IOException, InterruptedException {
    HttpRequest request = origin.putRequest(path, content);
    Stopwatch clock = Stopwatch.start();
    origin.send(request);
    double answered = clock.seconds();
    awaitSize(store.resolve(path), content.length, clock);
    return new double[] {answered, clock.seconds()};
  }

  /** Polls every {@code --poll-us} until the file has the size; fails a minute after the start. */
  private void awaitSize(Path file, long size, Stopwatch since) throws BenchFailure {
    File f = file.toFile();
    long pollNanos = pollMicros * 1000L;
    long deadline = since.startNanos() + APPEAR_LIMIT.toNanos();
    while (f.length() != size) {
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(file + " did not get size " + size + " within 60 s");
      }
      LockSupport.parkNanos(pollNanos);
    }
  }

  // ---- freshness ----

  /** {metamirror until in the store, metamirror until the PUT was answered, reference}. */
  private Samples[] freshness(Path store) throws IOException, InterruptedException {
    Samples visible = new Samples();
    Samples answered = new Samples();
    for (int j = 0; j < fresh; j++) {
      int i = files + j;
      double[] r = putAndAwait(ComposerLikeFiles.path(i), tree.content(i), store);
      answered.add(r[0]);
      visible.add(r[1]);
    }
    System.out.println(
        "freshness  metamirror PUT -> in store: "
            + visible.summary(1000, "ms", 50, 90, 99, 100)
            + "; PUT answered: "
            + answered.summary(1000, "ms", 50, 99));
    // Reference: write into src, run rsync -a src/ dst/ once, until the file is in dst.
    Path src = Files.createDirectories(work.resolve("fresh-src"));
    Path dst = Files.createDirectories(work.resolve("fresh-dst"));
    harness.processes().run("rsync", "-a", src + "/", dst + "/"); // page in rsync itself
    Samples reference = new Samples();
    for (int j = 0; j < fresh; j++) {
      int i = files + j;
      byte[] c = tree.content(i);
      Path file = src.resolve(ComposerLikeFiles.path(i));
      Files.createDirectories(file.getParent());
      Stopwatch clock = Stopwatch.start();
      Files.write(file, c, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
      harness.processes().run("rsync", "-a", src + "/", dst + "/");
      awaitSize(dst.resolve(ComposerLikeFiles.path(i)), c.length, clock);
      reference.add(clock.seconds());
    }
    System.out.println(
        "freshness  reference write + rsync -a src/ dst/ (local): "
            + reference.summary(1000, "ms", 50, 90, 99, 100));
    return new Samples[] {visible, answered, reference};
  }

  // ---- report ----

  private void report(
      double jvmStart,
      Samples ours,
      Samples oursCpu,
      List<RsyncBootstrap> references,
      Samples incremental,
      Samples incrementalRsync,
      Samples[] freshness) {
    Samples visible = freshness[0];
    Samples answered = freshness[1];
    Samples freshRef = freshness[2];
    System.out.println(
        "freshness: PUT answered by the origin "
            + answered.summary(1000, "ms", 50, 99)
            + " (inside the figures below); polled every "
            + pollMicros
            + " us");
    Samples plain = new Samples();
    Samples flushed = new Samples();
    Samples flushedCpu = new Samples();
    Samples twins = new Samples();
    Samples twinsCpu = new Samples();
    for (RsyncBootstrap r : references) {
      plain.add(r.plain());
      flushed.add(r.flushed().seconds());
      flushedCpu.add(r.flushed().machineCpu());
      twins.add(r.twins().seconds());
      twinsCpu.add(r.twins().machineCpu());
    }
    System.out.printf(
        Locale.ROOT,
        "bootstrap: a whole `metamirror sync --once` process, JVM start included (%.2f s for"
            + " --version); %d round(s), median reported: metamirror %s s, rsync+flush %s s,"
            + " rsync+twins+flush %s s; machine CPU (all cores, every process): metamirror %s s,"
            + " rsync+flush %s s, rsync+twins+flush %s s%n",
        jvmStart,
        ours.size(),
        ours.list("%.2f", " / ", 1),
        flushed.list("%.2f", " / ", 1),
        twins.list("%.2f", " / ", 1),
        oursCpu.list("%.2f", " / ", 1),
        flushedCpu.list("%.2f", " / ", 1),
        twinsCpu.list("%.2f", " / ", 1));

    ResultTable results = harness.results();
    List<Row> freshRows =
        results.addPercentiles(
            "freshness", "ms", 1000, visible, "write + rsync -a (local)", freshRef, 50, 99, 100);
    freshRows.get(0).note("PUT -> file in store; " + visible.size() + " new files");
    freshRows
        .get(1)
        .note(
            String.format(
                Locale.ROOT,
                "target p99 < %.0f ms: %s",
                FRESHNESS_P99_TARGET_MS,
                ResultTable.verdict(1000 * visible.percentile(99) < FRESHNESS_P99_TARGET_MS)));

    // One figure of ours against three ways of doing the same with rsync.
    double rate = files / ours.median();
    String bootstrap = "bootstrap, sync --once";
    results
        .add(bootstrap, "files/s", rate, "rsync -a daemon + sync -f", files / flushed.median())
        .note("target >= reference: " + ResultTable.verdict(ours.median() <= flushed.median()));
    results.add(bootstrap, "files/s", rate, "rsync -a daemon, no flush", files / plain.median());
    results
        .add(bootstrap, "files/s", rate, "rsync + gzip -k twins + sync", files / twins.median())
        .note("same layout: file + .gz twin");
    String cpu = "bootstrap machine CPU";
    results
        .add(cpu, "s", oursCpu.median(), "rsync -a daemon + sync -f", flushedCpu.median())
        .note("all cores, every process: agent + origin; rsync client + daemon");
    results.add(cpu, "s", oursCpu.median(), "rsync + gzip -k twins + sync", twinsCpu.median());

    List<Row> incrementalRows =
        results.addPercentiles(
            "incremental",
            "ms",
            1000,
            incremental,
            "rsync -a daemon, whole tree",
            incrementalRsync,
            50,
            99,
            100);
    double speedup = incrementalRsync.percentile(50) / incremental.percentile(50);
    incrementalRows
        .get(0)
        .note(
            String.format(
                Locale.ROOT,
                "agent following; %.1f x faster, target >= %.0f x: %s",
                speedup,
                INCREMENTAL_SPEEDUP_TARGET,
                ResultTable.verdict(speedup >= INCREMENTAL_SPEEDUP_TARGET)));
    incrementalRows
        .get(1)
        .note(incremental.size() + " changes, " + incrementalRsync.size() + " rsync runs");
    harness.finish(
        String.format(
            Locale.ROOT,
            "sync: %d files of ~%d B, %d fresh files, %d CPUs",
            files,
            tree.size(),
            fresh,
            Runtime.getRuntime().availableProcessors()));
  }
}
