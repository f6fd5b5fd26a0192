package io.metamirror.bench.sync;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.CpuTime;
import io.metamirror.bench.harness.FileArrival;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.RsyncDaemon;
import io.metamirror.bench.harness.Stopwatch;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What every part of the sync benchmark runs against: an empty origin, an rsync daemon serving
 * {@code rsyncSrc} (the reference's copy of the tree), a work directory for the stores and the
 * references' destinations; and the steps the parts share: running {@code metamirror sync} as a
 * user does, timing a file until it is at its path, warming and checking a tree on disk.
 *
 * @param files how many files the tree has (files {@code 0} to {@code files - 1})
 * @param pollMicros how often the file system is polled for an awaited file
 */
record SyncTestbed(
    Harness harness,
    OriginServer origin,
    Path work,
    Path rsyncSrc,
    String rsyncUrl,
    ComposerLikeFiles tree,
    int files,
    int pollMicros) {
  private static final Duration APPEAR_LIMIT = Duration.ofSeconds(60);

  /** Starts the origin and the rsync daemon; fails unless the origin is empty. */
  static SyncTestbed start(Harness harness, ComposerLikeFiles tree, int files, int pollMicros)
      throws IOException, InterruptedException {
    OriginServer origin = OriginServer.start(harness, "origin");
    Path work = harness.workspace().directory("work");
    Path rsyncSrc = harness.workspace().directory("rsync-src");
    String rsyncUrl = RsyncDaemon.start(harness, rsyncSrc).moduleUrl();
    long head = origin.api().head();
    if (head != 0) {
      throw new BenchFailure("the origin must be empty (head 0), it has head " + head);
    }
    return new SyncTestbed(harness, origin, work, rsyncSrc, rsyncUrl, tree, files, pollMicros);
  }

  ChildProcesses processes() {
    return harness.processes();
  }

  /** {@code metamirror ARGS} through the launcher, as a user runs it. */
  List<String> metamirror(String... args) {
    return harness.metamirror(args);
  }

  /** {@code SYNC_JAVA_OPTS}, for every {@code metamirror sync} and the JVM start it is timed by. */
  static Map<String, String> syncJavaOptions() {
    return Harness.javaOptions("SYNC_JAVA_OPTS");
  }

  /**
   * One {@code metamirror sync --store STORE --once ARGS…}, its log beside the store, started with
   * the origin's data read whole and nothing left to flush; returns its wall time and what it cost
   * all the machine's cores.
   */
  BootstrapRounds.Cost syncOnce(Path store, String... args)
      throws IOException, InterruptedException {
    warm(origin.data());
    processes().run("sync"); // nothing of the setup left to flush on the clock
    Path log = work.resolve(store.getFileName() + ".log");
    List<String> command = new ArrayList<>(List.of("sync", "--origin", origin.url()));
    command.addAll(List.of("--store", store.toString(), "--once"));
    command.addAll(List.of(args));
    double cpuStart = CpuTime.machineBusySeconds();
    Stopwatch clock = Stopwatch.start();
    processes().run(metamirror(command.toArray(String[]::new)), syncJavaOptions(), log);
    double seconds = clock.seconds();
    return new BootstrapRounds.Cost(seconds, CpuTime.machineBusySeconds() - cpuStart);
  }

  /**
   * Publishes files 0 to {@code files - 1} (version 0) with the batch API, {@code batch} a request;
   * their sizes go to {@code sizes}.
   */
  void publishTree(int batch, int[] sizes) throws IOException, InterruptedException {
    Stopwatch clock = Stopwatch.start();
    long expectedHead = 0;
    for (int from = 0; from < files; from += batch) {
      int to = Math.min(files, from + batch);
      long head =
          origin
              .api()
              .publishBatch(
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

  /** Starts {@code metamirror sync} following the origin into {@code store}. */
  Process startAgent(Path store) throws IOException, InterruptedException {
    return startAgent(store, origin.url(), "agent.log");
  }

  /** Starts {@code metamirror sync} following {@code originUrl} (the origin or a proxy to it). */
  Process startAgent(Path store, String originUrl, String logName)
      throws IOException, InterruptedException {
    Path log = work.resolve(logName);
    Process p =
        processes()
            .start(
                metamirror("sync", "--origin", originUrl, "--store", store.toString()),
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
    System.out.printf(
        Locale.ROOT, "agent: metamirror sync (following %s), pid %d%n", originUrl, p.pid());
    return p;
  }

  /**
   * PUTs content at path and polls the store until the file has its size. Returns {seconds until
   * the PUT was answered, seconds until the file was in the store}, both from sending the PUT.
   */
  double[] putAndAwait(String path, byte[] content, Path store)
      throws IOException, InterruptedException {
    HttpRequest request = origin.api().putRequest(path, content);
    Stopwatch clock = Stopwatch.start();
    origin.api().send(request);
    double answered = clock.seconds();
    awaitSize(store.resolve(path), content.length, clock);
    return new double[] {answered, clock.seconds()};
  }

  /** Polls every {@code pollMicros} until the file has the size; fails a minute after the start. */
  void awaitSize(Path file, long size, Stopwatch since) throws BenchFailure {
    FileArrival.awaitSize(file, size, since, pollMicros, APPEAR_LIMIT);
  }

  /**
   * Reads every file under {@code dir}, off the clock, so that the bootstrap that follows starts
   * from a warm page cache. Both sources get this: the VMs this was written on page out page cache
   * left untouched for ~30 s, and a source written a minute before then measured the disk more than
   * the program (a 100,000-file snapshot took the origin 15 s cold, 3.8 s warm; reading rsync's
   * copy 10.5 s cold, 2.3 s warm).
   */
  void warm(Path dir) throws IOException, InterruptedException {
    processes().readWhole(dir);
  }

  /** Content files (not .gz twins, not state) under root, each checked for its size. */
  long countFiles(Path root, int[] sizes) throws IOException {
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
}
