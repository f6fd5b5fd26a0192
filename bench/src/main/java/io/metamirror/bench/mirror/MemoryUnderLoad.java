package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.ResidentMemory;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The RSS rows: origin 1 grown to {@code files}, the HTTPS node restarted on the store catches up,
 * then wrk runs over all the files while the node's resident memory is sampled; nginx's under the
 * same load is the reference. Memory in MB.
 */
record MemoryUnderLoad(
    int files, double idleMb, double catchUpSeconds, Wrk.Result mirror, Wrk.Result nginx) {
  private static final double TARGET_MB = 512;

  /**
   * Publishes files {@code treeFiles} to {@code files - 1}, then one unmeasured wrk run of {@code
   * warmup} seconds on each server and one measured of {@code duration}.
   */
  static MemoryUnderLoad measure(
      ServeTestbed testbed, Wrk wrk, int treeFiles, int files, int warmup, int duration)
      throws IOException, InterruptedException {
    testbed.publish(testbed.origin().api(), treeFiles, files - treeFiles, null, "more");
    Path script = Wrk.randomPathScript(testbed.writePaths("paths-all.txt", files));
    Stopwatch catchUp = Stopwatch.start();
    MirrorNode node =
        testbed.startNode(
            "mirror-https-" + files, testbed.origin().url(), testbed.store(), testbed.tls());
    double catchUpSeconds = catchUp.seconds();
    Thread.sleep(2000);
    long pid = node.process().pid();
    double idle = ResidentMemory.kib(pid) / 1024.0;
    long[] nginxPids = testbed.nginx().pids();
    String nginxUrl = testbed.nginx().https();
    wrk.run(node.url(), script, false, warmup, new long[] {pid});
    wrk.run(nginxUrl, script, false, warmup, nginxPids);
    Wrk.Result ours = wrk.run(node.url(), script, false, duration, new long[] {pid});
    Wrk.Result theirs = wrk.run(nginxUrl, script, false, duration, nginxPids);
    double after = ResidentMemory.kib(pid) / 1024.0;
    testbed.stop(node);
    System.out.printf(
        Locale.ROOT,
        "rss  mirror with %d files: %.0f MB idle after catching up (%.1f s), max %.0f MB under"
            + " load, %.0f MB after; nginx max %.0f MB%n",
        files,
        idle,
        catchUpSeconds,
        ours.maxRssMb(),
        after,
        theirs.maxRssMb());
    return new MemoryUnderLoad(files, idle, catchUpSeconds, ours, theirs);
  }

  /** The largest RSS under load, with the target; then the load's own figures. */
  void addRows(ResultTable results) {
    String masterAndWorkers = "nginx, master + workers";
    results
        .add(
            "rss, max under load (https, " + files + " files)",
            "MB",
            mirror.maxRssMb(),
            masterAndWorkers,
            nginx.maxRssMb())
        .note(
            String.format(
                Locale.ROOT,
                "target < %.0f MB: %s; idle %.0f MB after catching up in %.1f s",
                TARGET_MB,
                ResultTable.verdict(mirror.maxRssMb() < TARGET_MB),
                idleMb,
                catchUpSeconds));
    Wrk.addRows(results, "rss load, all files", mirror, masterAndWorkers, nginx);
  }
}
