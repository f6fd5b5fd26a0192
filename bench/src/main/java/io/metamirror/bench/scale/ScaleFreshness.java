package io.metamirror.bench.scale;

import io.metamirror.bench.chaos.DelayProxy;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.FileArrival;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Freshness under distance: a mirror node whose origin is a {@link DelayProxy} ({@code delayMs} one
 * way, each direction; this machine has no netem) in front of the scale origin, on the bootstrapped
 * store. New files (beyond the tree) are PUT to the origin directly, one at a time; each is timed
 * from the PUT's answer (the publish returned) until the file has its size at its path in the
 * node's store, polled every 200 us. The reference is one round trip through the same proxy ({@code
 * GET /.metamirror/health} of the origin), which issue 21's goal is stated in: p99 at most one
 * round trip + 20 ms.
 */
record ScaleFreshness(int delayMs, Samples visible, Samples roundTrip, Samples sizes) {
  private static final int POLL_MICROS = 200;
  private static final double SLACK_MS = 20;
  private static final Duration LIMIT = Duration.ofSeconds(60);

  static ScaleFreshness measure(
      Harness harness, OriginServer origin, Path store, ScaleTree tree, int count, int delayMs)
      throws IOException, InterruptedException {
    URI originUri = URI.create(origin.url());
    try (DelayProxy proxy =
        DelayProxy.start(
            "freshness",
            new InetSocketAddress(originUri.getHost(), originUri.getPort()),
            Duration.ofMillis(delayMs))) {
      HttpClient http = HttpClients.http11();
      MirrorNode node = MirrorNode.start(harness, "mirror-delayed", proxy.url(), store, null, http);
      long head = origin.api().head();
      if (JsonFields.cursorSeq(store) < head) {
        throw new BenchFailure("the node's store is behind the origin: " + node.logTail(harness));
      }
      Samples roundTrip = roundTrips(http, proxy.url(), count);
      Samples visible = new Samples();
      Samples sizes = new Samples();
      for (int j = 0; j < count; j++) {
        int i = tree.files() + j;
        byte[] content = tree.content(i);
        // into the tree too, so that the catch-up's `metamirror publish` of the tree keeps it
        Files.write(tree.root().resolve(ComposerLikeFiles.path(i)), content);
        HttpRequest put = origin.api().putRequest(ComposerLikeFiles.path(i), content);
        origin.api().send(put);
        Stopwatch returned = Stopwatch.start();
        FileArrival.awaitSize(
            store.resolve(ComposerLikeFiles.path(i)), content.length, returned, POLL_MICROS, LIMIT);
        visible.add(returned.seconds());
        sizes.add(content.length / 1024.0);
      }
      harness.processes().stop(node.process());
      ScaleFreshness result = new ScaleFreshness(delayMs, visible, roundTrip, sizes);
      System.out.printf(
          Locale.ROOT,
          "freshness, %d ms one way: publish returned -> in the node's store %s; one round trip"
              + " through the proxy %s; files %s%n",
          delayMs,
          visible.summary(1000, "ms", 50, 90, 99, 100),
          roundTrip.summary(1000, "ms", 50, 99),
          sizes.summary(1, "KiB", 50, 99, 100));
      return result;
    }
  }

  /** {@code count} GETs of the origin's health through the proxy, one at a time, after one. */
  private static Samples roundTrips(HttpClient http, String proxyUrl, int count)
      throws IOException, InterruptedException {
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(proxyUrl + "/.metamirror/health"))
            .timeout(Duration.ofSeconds(10))
            .build();
    http.send(health, HttpResponse.BodyHandlers.discarding()); // the connection
    Samples samples = new Samples();
    for (int k = 0; k < count; k++) {
      Stopwatch clock = Stopwatch.start();
      http.send(health, HttpResponse.BodyHandlers.discarding());
      samples.add(clock.seconds());
    }
    return samples;
  }

  void addRows(ResultTable results) {
    String measure = "freshness, " + delayMs + " ms one way (publish returned -> node's store)";
    List<ResultTable.Row> rows =
        results.addPercentiles(
            measure, "ms", 1000, visible, "one round trip through the proxy", roundTrip, 50, 99);
    rows.get(0).note(visible.size() + " new files, " + sizes.summary(1, "KiB", 50, 100));
    double goalMs = 2 * delayMs + SLACK_MS;
    rows.get(1)
        .note(
            String.format(
                Locale.ROOT,
                "goal <= one round trip + %.0f ms (%.0f ms): %s",
                SLACK_MS,
                goalMs,
                ResultTable.verdict(1000 * visible.percentile(99) <= goalMs)));
  }
}
