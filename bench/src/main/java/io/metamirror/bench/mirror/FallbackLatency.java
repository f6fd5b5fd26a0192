package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The fallback and local-hit rows. A second node whose origin is nginx's router (the feed, snapshot
 * and blobs from origin 1, other paths from origin 2) syncs origin 1's tree, so origin 2's files
 * are misses it fetches every time. One client, one request at a time, times in turn: a miss on the
 * node, the same path through the router and from origin 2 directly, a local hit on the node and
 * the same file from nginx. Latencies in ms.
 */
record FallbackLatency(
    Samples miss, Samples viaRouter, Samples direct, Samples localHit, Samples nginxHit) {
  /** Origin 2's first file: far from origin 1's, so no path is on both. */
  static final int FIRST_FILE = 500_000;

  /**
   * One measured path of the loop; {@code source} is where the node must say it served it from
   * ({@code X-Metamirror-Source}), null for other servers.
   */
  private record Target(HttpClient client, Samples latencies, String source) {
    Target(HttpClient client, String source) {
      this(client, new Samples(), source);
    }

    /** GETs {@code url}; checks status, size and (for the node) where it was served from. */
    void get(String url, int expectedSize, boolean measured)
        throws IOException, InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
      Stopwatch clock = Stopwatch.start();
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      double ms = clock.millis();
      if (r.statusCode() != 200 || r.body().length != expectedSize) {
        throw new BenchFailure(url + ": HTTP " + r.statusCode() + ", " + r.body().length + " B");
      }
      if (source != null) {
        String actual = r.headers().firstValue("X-Metamirror-Source").orElse("?");
        if (!actual.equals(source)) {
          throw new BenchFailure(url + ": served from " + actual + ", expected " + source);
        }
      }
      if (measured) {
        latencies.add(ms);
      }
    }
  }

  /**
   * {@code requests} measured turns (after up to 500 unmeasured), cycling through origin 2's {@code
   * fallbackFiles} files and the tree's {@code contents}.
   */
  static FallbackLatency measure(
      ServeTestbed testbed,
      ComposerLikeFiles tree,
      List<byte[]> contents,
      int fallbackFiles,
      int requests)
      throws IOException, InterruptedException {
    String router = testbed.nginx().router();
    String nginxUrl = testbed.nginx().http();
    String originUrl = testbed.fallbackOrigin().url();
    MirrorNode node =
        testbed.startNode(
            "mirror-fallback", router, testbed.harness().workspace().file("store-fallback"), null);
    // One keep-alive connection per server, requests one at a time.
    HttpClient toNode = HttpClients.http11();
    Target miss = new Target(toNode, "origin");
    Target viaRouter = new Target(HttpClients.http11(), null);
    Target direct = new Target(HttpClients.http11(), null);
    Target localHit = new Target(toNode, "local");
    Target nginxHit = new Target(HttpClients.http11(), null);
    int warm = Math.min(500, requests / 4);
    for (int k = 0; k < warm + requests; k++) {
      boolean measured = k >= warm;
      int i = FIRST_FILE + k % fallbackFiles;
      String path = "/" + ComposerLikeFiles.path(i);
      int size = tree.content(i).length;
      int hitIndex = k % contents.size();
      String hit = "/" + ComposerLikeFiles.path(hitIndex);
      int hitSize = contents.get(hitIndex).length;
      // rotate the order, so that none always runs right after another
      for (int slot = 0; slot < 5; slot++) {
        switch ((slot + k) % 5) {
          case 0 -> miss.get(node.url() + path, size, measured);
          case 1 -> viaRouter.get(router + path, size, measured);
          case 2 -> direct.get(originUrl + path, size, measured);
          case 3 -> localHit.get(node.url() + hit, hitSize, measured);
          default -> nginxHit.get(nginxUrl + hit, hitSize, measured);
        }
      }
    }
    testbed.stop(node);
    FallbackLatency fallback =
        new FallbackLatency(
            miss.latencies(),
            viaRouter.latencies(),
            direct.latencies(),
            localHit.latencies(),
            nginxHit.latencies());
    System.out.println(
        "fallback  miss "
            + fallback.miss().summary(1, "ms", 50, 99)
            + "; via router "
            + fallback.viaRouter().summary(1, "ms", 50, 99)
            + "; origin 2 directly "
            + fallback.direct().summary(1, "ms", 50, 99)
            + "; local hit "
            + fallback.localHit().summary(1, "ms", 50, 99)
            + "; nginx hit "
            + fallback.nginxHit().summary(1, "ms", 50, 99));
    return fallback;
  }

  /** p50 and p99 of a miss against the router and origin 2; of a local hit against nginx. */
  void addRows(ResultTable results) {
    int[] percentiles = {50, 99};
    List<Row> routerRows =
        results.addPercentiles(
            "fallback miss", "ms", 1, miss, "same path, router directly", viaRouter, percentiles);
    for (int k = 0; k < percentiles.length; k++) {
      double added = miss.percentile(percentiles[k]) - viaRouter.percentile(percentiles[k]);
      routerRows.get(k).note(String.format(Locale.ROOT, "the mirror adds %.2f ms", added));
    }
    results.addPercentiles(
        "fallback miss", "ms", 1, miss, "same path, origin directly", direct, percentiles);
    results
        .addPercentiles("local hit", "ms", 1, localHit, "nginx, same files", nginxHit, percentiles)
        .get(0)
        .note("one request at a time; " + localHit.size() + " requests");
  }
}
