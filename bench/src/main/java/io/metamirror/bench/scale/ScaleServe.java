package io.metamirror.bench.scale;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.LoopbackPorts;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.MirrorNode.TlsFiles;
import io.metamirror.bench.harness.Nginx;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.mirror.HandshakeComparison;
import io.metamirror.bench.mirror.Wrk;
import io.metamirror.mirror.tls.TlsContexts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The serve rows: a mirror node ({@code mirror serve}) on the bootstrapped store, and nginx serving
 * the same store directory; wrk requests a random file of the whole tree from each, one unmeasured
 * run each first, while each server's resident memory is sampled. Plain HTTP, then (with {@code
 * tls}) a node restarted on the store with a self-signed P-256 certificate against nginx with the
 * same one, and the server CPU per new TLS handshake of both ({@link HandshakeComparison}).
 *
 * @param https null when TLS was not measured
 * @param handshakes null when TLS was not measured
 */
record ScaleServe(
    String scope, int files, Comparison http, Comparison https, HandshakeComparison handshakes) {
  private static final double RPS_GOAL = 1.2;
  private static final double RSS_GOAL_MB_100K = 250;
  private static final double RSS_GOAL_MB_1M = 1024;

  /** One wrk comparison, the node's figures beside nginx's. */
  record Comparison(Wrk.Result node, Wrk.Result nginx) {}

  /** How the serve part runs: wrk's settings and whether TLS is measured too. */
  record Settings(
      Wrk wrk, int warmup, int duration, boolean tls, int handshakeRounds, int handshakeSeconds) {}

  /**
   * Measures; {@code scope} prefixes the rows and names the processes ({@code ""} for the main
   * tree). Every process started here is stopped before it returns.
   */
  static ScaleServe measure(
      Harness harness,
      String scope,
      Settings settings,
      OriginServer origin,
      Path store,
      ScaleTree tree)
      throws IOException, InterruptedException {
    String name = scope.isEmpty() ? "" : "-" + scope.replaceAll("[^a-z0-9]+", "");
    TlsFiles tls = settings.tls() ? TlsFiles.selfSigned(harness) : null;
    int httpPort = LoopbackPorts.free();
    int httpsPort = LoopbackPorts.free();
    String nginxHttp = "http://127.0.0.1:" + httpPort;
    String servers = "  server { listen 127.0.0.1:" + httpPort + "; root " + store + "; }";
    if (tls != null) {
      servers +=
          "\n"
              + Nginx.tlsSettings(tls)
              + "\n  server { listen 127.0.0.1:"
              + httpsPort
              + " ssl; root "
              + store
              + "; }";
    }
    Nginx nginx =
        Nginx.start(
            harness,
            "nginx-store" + name,
            "auto",
            4096,
            Nginx.STATIC_FILES + "\n" + servers,
            nginxHttp + "/");
    Path script =
        Wrk.randomPathScript(
            Files.writeString(
                harness.workspace().file("paths" + name + ".txt"),
                ComposerLikeFiles.urlPaths(tree.files())));
    MirrorNode plain =
        startNode(harness, "mirror" + name, origin, store, null, HttpClients.http11());
    Comparison http =
        run(settings, plain.url(), new long[] {plain.process().pid()}, nginxHttp, nginx, script);
    harness.processes().stop(plain.process());
    Comparison https = null;
    HandshakeComparison handshakes = null;
    if (tls != null) {
      HttpClient client = HttpClients.http11(TlsContexts.trusting(tls.certificate()));
      String nginxHttps = "https://127.0.0.1:" + httpsPort;
      MirrorNode node = startNode(harness, "mirror-tls" + name, origin, store, tls, client);
      long[] nodePid = {node.process().pid()};
      https = run(settings, node.url(), nodePid, nginxHttps, nginx, script);
      HandshakeComparison.Target target =
          new HandshakeComparison.Target(
              node.url(), nodePid, nginxHttps, nginx.pids(), "/" + ComposerLikeFiles.path(0));
      handshakes =
          HandshakeComparison.measure(
              harness.processes(),
              "",
              target,
              settings.handshakeRounds(),
              1,
              settings.handshakeSeconds());
      harness.processes().stop(node.process());
    }
    nginx.stop(harness);
    return new ScaleServe(scope, tree.files(), http, https, handshakes);
  }

  private static MirrorNode startNode(
      Harness harness,
      String name,
      OriginServer origin,
      Path store,
      TlsFiles tls,
      HttpClient client)
      throws IOException, InterruptedException {
    MirrorNode node = MirrorNode.start(harness, name, origin.url(), store, tls, client);
    if (JsonFields.cursorSeq(store) < origin.api().head()) {
      throw new BenchFailure("the node's store is behind the origin: " + node.logTail(harness));
    }
    return node;
  }

  /** An unmeasured run on each (unless {@code warmup} is 0), then a measured one; prints both. */
  private static Comparison run(
      Settings settings, String nodeUrl, long[] nodePid, String nginxUrl, Nginx nginx, Path script)
      throws IOException, InterruptedException {
    Wrk wrk = settings.wrk();
    if (settings.warmup() > 0) {
      wrk.run(nodeUrl, script, false, settings.warmup(), nodePid);
      wrk.run(nginxUrl, script, false, settings.warmup(), nginx.pids());
    }
    Wrk.Result ours = wrk.run(nodeUrl, script, false, settings.duration(), nodePid);
    Wrk.Result theirs = wrk.run(nginxUrl, script, false, settings.duration(), nginx.pids());
    System.out.printf(
        Locale.ROOT,
        "serve %s: node %.0f req/s p99 %.2f ms max RSS %.0f MB; nginx %.0f req/s p99 %.2f ms max"
            + " RSS %.0f MB%n",
        nodeUrl,
        ours.rps(),
        ours.p99ms(),
        ours.maxRssMb(),
        theirs.rps(),
        theirs.p99ms(),
        theirs.maxRssMb());
    return new Comparison(ours, theirs);
  }

  void addRows(ResultTable results) {
    addWrkRows(results, "serve http, every file", http);
    if (https != null) {
      addWrkRows(results, "serve https, every file", https);
    }
    double nodeMb = http.node().maxRssMb();
    double nginxMb = http.nginx().maxRssMb();
    if (https != null) {
      nodeMb = Math.max(nodeMb, https.node().maxRssMb());
      nginxMb = Math.max(nginxMb, https.nginx().maxRssMb());
    }
    results
        .add(
            scope
                + "node RSS, max while serving "
                + String.format(Locale.ROOT, "%,d", files)
                + " files",
            "MB",
            nodeMb,
            "nginx, master + workers",
            nginxMb)
        .note(rssGoal(nodeMb));
    if (handshakes != null) {
      handshakes
          .addRows(results)
          .note(
              "goal <= 1.5 x: "
                  + ResultTable.verdict(
                      handshakes.mirror().cpuMsEach() <= 1.5 * handshakes.nginx().cpuMsEach()))
          .note("P-256 certificate, both");
    }
  }

  private void addWrkRows(ResultTable results, String measure, Comparison c) {
    var rows = Wrk.addRows(results, scope + measure, c.node(), "nginx, same store", c.nginx());
    rows.get(Wrk.Figure.REQUESTS_PER_SECOND)
        .note(
            String.format(
                Locale.ROOT,
                "goal >= %.1f x: %s; B/resp %.0f, nginx %.0f",
                RPS_GOAL,
                ResultTable.verdict(c.node().rps() >= RPS_GOAL * c.nginx().rps()),
                c.node().bytesPerResponse(),
                c.nginx().bytesPerResponse()));
    rows.get(Wrk.Figure.P99)
        .note("goal <= 1 x: " + ResultTable.verdict(c.node().p99ms() <= c.nginx().p99ms()));
  }

  /** Issue 21's goals: 100,000 files in < 250 MB, 1,000,000 in < 1 GB; judged at those sizes. */
  private String rssGoal(double nodeMb) {
    if (files >= 1_000_000) {
      return "goal < 1 GB at 1,000,000 files: " + ResultTable.verdict(nodeMb < RSS_GOAL_MB_1M);
    }
    if (files == 100_000) {
      return "goal < 250 MB at 100,000 files: " + ResultTable.verdict(nodeMb < RSS_GOAL_MB_100K);
    }
    return "goals at 100,000 and 1,000,000 files; not judged at " + files;
  }
}
