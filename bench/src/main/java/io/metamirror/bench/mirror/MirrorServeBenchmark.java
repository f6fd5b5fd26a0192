package io.metamirror.bench.mirror;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.ResultTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Mirror serve: {@code metamirror mirror serve} against nginx serving the same store directory, as
 * it is, over HTTP and HTTPS (the same certificate), with wrk; the cost of a TLS handshake; the
 * latency of a miss fetched from the origin; and the node's memory with many files.
 *
 * <ol>
 *   <li>N files published to origin 1 and synced into the store by a plain-HTTP node; every file
 *       fetched from both servers and compared with the published bytes;
 *   <li>wrk rounds alternating nginx and the node, HTTP then HTTPS (the node restarted with {@code
 *       --tls-cert/--tls-key}), without and with {@code Accept-Encoding: gzip}, every request a
 *       random one of the N files;
 *   <li>TLS handshakes: per {@code --tls-providers} value, a node started afresh with that {@code
 *       --tls-provider}, and {@code openssl s_time} (new, new + GET, resumed + GET) against it and
 *       nginx; {@code --only handshakes} runs this part alone;
 *   <li>fallback: a second node whose origin is an nginx router (the feed, snapshot and blobs from
 *       origin 1, other paths from origin 2) syncs origin 1's tree, so origin 2's files are misses
 *       it fetches every time; one client times those, the same paths through the router and from
 *       origin 2 directly, and local hits on the node and on nginx;
 *   <li>RSS: origin 1 grows to {@code --rss-files}, the HTTPS node restarted on the store catches
 *       up, and its resident memory is sampled under wrk load over all those files; nginx's under
 *       the same load is the reference.
 * </ol>
 *
 * <p>Each part is its own class ({@link ServeRounds}, {@link HandshakeComparison}, {@link
 * FallbackLatency}, {@link MemoryUnderLoad}) on one {@link ServeTestbed}; this class reads the
 * options, runs the parts in that order and adds their rows to the table in the same order.
 */
public final class MirrorServeBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files 1000] [--size 5120] [--threads 2] [--connections 32] [--duration 10]"
          + " [--warmup 10] [--rounds 3] [--gzip true] [--fallback-files 200]"
          + " [--fallback-requests 2000] [--rss-files 100000 (0: skip)] [--rss-duration 20]"
          + " [--seed 42] [--only handshakes] [--tls-providers jdk,conscrypt (default: the"
          + " node's)]";

  private final int files;
  private final int threads;
  private final int connections;
  private final int duration;
  private final int warmup;
  private final int rounds;
  private final boolean gzipVariants;
  private final int fallbackFiles;
  private final int fallbackRequests;
  private final int rssFiles;
  private final int rssDuration;
  private final ComposerLikeFiles tree;
  private final boolean onlyHandshakes;

  /** {@code --tls-provider} of each node the handshake part measures; "" for the node's default. */
  private final List<String> tlsProviders;

  public MirrorServeBenchmark(Options options) {
    files = options.positive("files", 1_000);
    tree = new ComposerLikeFiles(options.longValue("seed", 42), options.positive("size", 5_120));
    threads = options.positive("threads", 2);
    connections = options.positive("connections", 32);
    duration = options.positive("duration", 10);
    // A node started moments before is still compiling (its C2 threads ran 1.8 s of a 4 s window
    // ~10 s after start): an unmeasured run on each server first.
    warmup = options.positive("warmup", 10);
    rounds = options.positive("rounds", 3);
    gzipVariants = options.bool("gzip", true);
    fallbackFiles = options.positive("fallback-files", 200);
    fallbackRequests = options.positive("fallback-requests", 2_000);
    rssFiles = options.nonNegative("rss-files", 100_000);
    rssDuration = options.positive("rss-duration", 20);
    String only = options.string("only", "");
    if (!only.isEmpty() && !only.equals("handshakes")) {
      throw new IllegalArgumentException("--only: expected handshakes, got " + only);
    }
    onlyHandshakes = !only.isEmpty();
    String providers = options.string("tls-providers", "");
    tlsProviders = providers.isEmpty() ? List.of("") : List.of(providers.split(","));
  }

  @Override
  public void run(Harness harness) throws Exception {
    ServeTestbed testbed = ServeTestbed.start(harness, tree);
    Wrk wrk = new Wrk(harness.processes(), threads, connections);
    ServeRounds serveRounds = new ServeRounds(testbed, wrk, warmup, duration, rounds);
    System.out.printf(
        Locale.ROOT,
        "%d files of ~%d B; wrk -t%d -c%d -d%ds%n",
        files,
        tree.size(),
        threads,
        connections,
        duration);

    // 1. The tree, synced into the store by a plain-HTTP node.
    List<byte[]> contents = new ArrayList<>();
    testbed.publish(testbed.origin().api(), 0, files, contents, "tree");
    testbed.publish(
        testbed.fallbackOrigin().api(),
        FallbackLatency.FIRST_FILE,
        fallbackFiles,
        null,
        "fallback-only");
    Path paths = testbed.writePaths("paths.txt", files);
    String originUrl = testbed.origin().url();

    List<ServeRounds.Comparison> comparisons = new ArrayList<>();
    String nginxHttps = testbed.nginx().https();
    if (!onlyHandshakes) {
      MirrorNode node = testbed.startNode("mirror-http", originUrl, testbed.store(), null);
      String nginxHttp = testbed.nginx().http();
      PublishedBytes.check(node.url(), nginxHttp, testbed.http(), contents);
      comparisons.add(serveRounds.compare("http", node, nginxHttp, paths, false));
      if (gzipVariants) {
        comparisons.add(serveRounds.compare("http+gzip", node, nginxHttp, paths, true));
      }
      testbed.stop(node);

      // 2. HTTPS: the same store, the same certificate for both.
      node = testbed.startNode("mirror-https", originUrl, testbed.store(), testbed.tls());
      PublishedBytes.check(node.url(), nginxHttps, testbed.https(), contents);
      comparisons.add(serveRounds.compare("https", node, nginxHttps, paths, false));
      if (gzipVariants) {
        comparisons.add(serveRounds.compare("https+gzip", node, nginxHttps, paths, true));
      }
      testbed.stop(node);
    }

    // 3. Handshakes: a node started afresh per TLS provider, warmed up by s_time itself.
    List<HandshakeComparison> handshakes = new ArrayList<>();
    for (String provider : tlsProviders) {
      List<String> args = provider.isEmpty() ? List.of() : List.of("--tls-provider", provider);
      MirrorNode node =
          testbed.startNode(
              "mirror-tls" + (provider.isEmpty() ? "" : "-" + provider),
              originUrl,
              testbed.store(),
              testbed.tls(),
              args);
      HandshakeComparison.Target target =
          new HandshakeComparison.Target(
              node.url(),
              new long[] {node.process().pid()},
              nginxHttps,
              testbed.nginx().pids(),
              "/" + ComposerLikeFiles.path(0));
      handshakes.add(
          HandshakeComparison.measure(harness.processes(), provider, target, rounds, warmup));
      testbed.stop(node);
    }
    if (onlyHandshakes) {
      for (HandshakeComparison h : handshakes) {
        h.addRows(harness.results());
      }
      harness.finish(
          String.format(
              Locale.ROOT,
              "mirror serve, handshakes only: median of %d rounds, %d CPUs",
              rounds,
              Runtime.getRuntime().availableProcessors()));
      return;
    }

    // 4. Fallback: a node of origin 1's tree (through the router) asked for origin 2's files.
    FallbackLatency fallback =
        FallbackLatency.measure(testbed, tree, contents, fallbackFiles, fallbackRequests);

    // 5. RSS with many files.
    MemoryUnderLoad rss =
        rssFiles > files
            ? MemoryUnderLoad.measure(testbed, wrk, files, rssFiles, warmup, rssDuration)
            : null;

    ResultTable results = harness.results();
    for (ServeRounds.Comparison c : comparisons) {
      c.addRows(results);
    }
    for (HandshakeComparison h : handshakes) {
      h.addRows(results);
    }
    fallback.addRows(results);
    if (rss != null) {
      rss.addRows(results);
    } else {
      System.out.println("rss: skipped (--rss-files not above --files)");
    }
    harness.finish(
        String.format(
            Locale.ROOT,
            "mirror serve: %d files of ~%d B, wrk -t%d -c%d -d%ds, median of %d rounds, %d CPUs",
            files,
            tree.size(),
            threads,
            connections,
            duration,
            rounds,
            Runtime.getRuntime().availableProcessors()));
  }
}
