package io.metamirror.bench.sync;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.CpuTime;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.bench.sync.BootstrapRounds.Cost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The bootstrap reference: {@code rsync -a rsync://…/tree/ dst/} from the daemon into an empty
 * directory, alone ({@code plain}, seconds); then flushed with {@code sync --file-system}, since
 * the store flushes before it moves its cursor; then with a {@code gzip -1 -k} twin made beside
 * every file and flushed again: the layout the agent writes, for nginx's {@code gzip_static}.
 */
record RsyncBootstrap(double plain, Cost flushed, Cost twins) {

  /** One pull from the daemon into the empty {@code dst}, checked against {@code sizes}. */
  static RsyncBootstrap measure(SyncTestbed testbed, Path dst, int[] sizes)
      throws IOException, InterruptedException {
    int files = testbed.files();
    testbed.warm(testbed.rsyncSrc());
    testbed.processes().run("sync");
    Files.createDirectories(dst);
    double cpuStart = CpuTime.machineBusySeconds();
    Stopwatch clock = Stopwatch.start();
    testbed.processes().run("rsync", "-a", testbed.rsyncUrl(), dst + "/");
    double rsync = clock.seconds();
    testbed.processes().run("sync", "--file-system", dst.toString());
    double flushed = clock.seconds();
    double cpu = CpuTime.machineBusySeconds() - cpuStart;
    long count = testbed.countFiles(dst, sizes);
    if (count != files) {
      throw new BenchFailure("rsync left " + count + " files, expected " + files);
    }
    // What rsync + nginx gzip_static needs on top: the .gz beside every file (gzip keeps the
    // file's mtime on it), made on both cores, then flushed: the layout the agent writes.
    double twinsCpuStart = CpuTime.machineBusySeconds();
    Stopwatch twinsClock = Stopwatch.start();
    testbed
        .processes()
        .run(
            "sh",
            "-c",
            "find \"$1\" -type f ! -name '*.gz' -print0 | xargs -0 -n 500 -P 2 gzip -1 -k",
            "sh",
            dst.toString());
    testbed.processes().run("sync", "--file-system", dst.toString());
    double withTwins = flushed + twinsClock.seconds();
    double twinsCpu = cpu + CpuTime.machineBusySeconds() - twinsCpuStart;
    // Off the clock: the incremental reference later rsyncs into dst, and is to see rsync's tree.
    testbed.processes().run("find", dst.toString(), "-type", "f", "-name", "*.gz", "-delete");
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
    return new RsyncBootstrap(rsync, new Cost(flushed, cpu), new Cost(withTwins, twinsCpu));
  }
}
