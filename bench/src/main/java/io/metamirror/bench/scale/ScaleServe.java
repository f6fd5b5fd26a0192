package io.metamirror.bench.scale;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.LoopbackPorts;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.Nginx;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.mirror.Wrk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The serve rows: a mirror node ({@code mirror serve}, plain HTTP) on the bootstrapped store, and
 * nginx serving the same store directory; wrk requests a random file of the whole tree from each,
 * one unmeasured run each first, while each server's resident memory is sampled.
 */
record ScaleServe(int files, Wrk.Result node, Wrk.Result nginx) {
  private static final double RPS_GOAL = 1.2;
  private static final double RSS_GOAL_MB_100K = 250;
  private static final double RSS_GOAL_MB_1M = 1024;

  static ScaleServe measure(
      Harness harness,
      Wrk wrk,
      OriginServer origin,
      Path store,
      ScaleTree tree,
      int warmup,
      int duration)
      throws IOException, InterruptedException {
    int port = LoopbackPorts.free();
    String nginxUrl = "http://127.0.0.1:" + port;
    Nginx nginx =
        Nginx.start(
            harness,
            "auto",
            4096,
            Nginx.STATIC_FILES
                + "\n  server { listen 127.0.0.1:"
                + port
                + "; root "
                + store
                + "; }",
            nginxUrl + "/");
    MirrorNode node =
        MirrorNode.start(harness, "mirror", origin.url(), store, null, HttpClients.http11());
    long head = origin.api().head();
    if (JsonFields.cursorSeq(store) < head) {
      throw new BenchFailure("the node's store is behind the origin: " + node.logTail(harness));
    }
    Path script =
        Wrk.randomPathScript(
            Files.writeString(
                harness.workspace().file("paths.txt"), ComposerLikeFiles.urlPaths(tree.files())));
    long[] nodePid = {node.process().pid()};
    wrk.run(node.url(), script, false, warmup, nodePid);
    wrk.run(nginxUrl, script, false, warmup, nginx.pids());
    Wrk.Result ours = wrk.run(node.url(), script, false, duration, nodePid);
    Wrk.Result theirs = wrk.run(nginxUrl, script, false, duration, nginx.pids());
    harness.processes().stop(node.process());
    System.out.printf(
        Locale.ROOT,
        "serve: node %.0f req/s p99 %.2f ms max RSS %.0f MB; nginx %.0f req/s p99 %.2f ms max RSS"
            + " %.0f MB%n",
        ours.rps(),
        ours.p99ms(),
        ours.maxRssMb(),
        theirs.rps(),
        theirs.p99ms(),
        theirs.maxRssMb());
    return new ScaleServe(tree.files(), ours, theirs);
  }

  void addRows(ResultTable results) {
    String reference = "nginx, same store";
    var rows = Wrk.addRows(results, "serve http, every file", node, reference, nginx);
    rows.get(Wrk.Figure.REQUESTS_PER_SECOND)
        .note(
            String.format(
                Locale.ROOT,
                "goal >= %.1f x: %s; B/resp %.0f, nginx %.0f",
                RPS_GOAL,
                ResultTable.verdict(node.rps() >= RPS_GOAL * nginx.rps()),
                node.bytesPerResponse(),
                nginx.bytesPerResponse()));
    rows.get(Wrk.Figure.P99)
        .note("goal <= 1 x: " + ResultTable.verdict(node.p99ms() <= nginx.p99ms()));
    results
        .add(
            "node RSS, max while serving",
            "MB",
            node.maxRssMb(),
            "nginx, master + workers",
            nginx.maxRssMb())
        .note(rssGoal());
  }

  /** Issue 21's goals: 100,000 files in < 250 MB, 1,000,000 in < 1 GB; judged at those sizes. */
  private String rssGoal() {
    if (files >= 1_000_000) {
      return "goal < 1 GB at 1,000,000 files: "
          + ResultTable.verdict(node.maxRssMb() < RSS_GOAL_MB_1M);
    }
    if (files == 100_000) {
      return "goal < 250 MB at 100,000 files: "
          + ResultTable.verdict(node.maxRssMb() < RSS_GOAL_MB_100K);
    }
    return "goals at 100,000 and 1,000,000 files; not judged at " + files;
  }
}
