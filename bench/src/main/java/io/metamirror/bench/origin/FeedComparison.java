package io.metamirror.bench.origin;

import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.LoopbackPorts;
import io.metamirror.bench.harness.Nginx;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The feed rows: the whole feed read from the origin and from nginx serving the exact page bodies
 * the origin returned, at the same URLs, by the same client. The first read of the origin is the
 * cold one (fresh client and server JVMs); it saves the pages nginx serves. One unmeasured nginx
 * read warms the client for it too, then the rounds alternate so that neither side always gets the
 * warmer client; the median round of each is reported.
 *
 * @param cold the origin's first read
 * @param origin the origin's median round
 * @param nginx nginx's median round
 */
public record FeedComparison(Throughput cold, Throughput origin, Throughput nginx) {

  /**
   * Reads the feed of {@code originUrl} in pages of {@code limit}; {@code sizes} (a fresh origin
   * that journaled file k as seq k+1) turns on the per-entry checks, null leaves the seq checks.
   * nginx ({@code name}, one worker) is stopped again at the end.
   */
  public static FeedComparison measure(
      Harness harness,
      String name,
      String originUrl,
      int limit,
      int rounds,
      int[] sizes,
      long expectedEntries)
      throws IOException, InterruptedException {
    Path pages = harness.workspace().directory(name + "-pages");
    int port = LoopbackPorts.free();
    String nginxUrl = "http://127.0.0.1:" + port;
    Nginx nginx = Nginx.start(harness, name, "1", 256, nginxConfig(port, pages), nginxUrl + "/");
    FeedReader reader = new FeedReader(limit);
    Throughput cold = reader.read("origin (first read)", originUrl, pages, sizes, expectedEntries);
    reader.read("nginx (warm-up)", nginxUrl, null, sizes, expectedEntries);
    List<Throughput> originRounds = new ArrayList<>();
    List<Throughput> nginxRounds = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      originRounds.add(reader.read("origin", originUrl, null, sizes, expectedEntries));
      nginxRounds.add(reader.read("nginx", nginxUrl, null, sizes, expectedEntries));
    }
    nginx.stop(harness);
    System.out.println(
        "feed rows: median of "
            + rounds
            + " full reads after the first; every round (entries/s): metamirror "
            + rates(originRounds)
            + "; nginx "
            + rates(nginxRounds));
    Comparator<Throughput> bySeconds = Comparator.comparingDouble(Throughput::seconds);
    return new FeedComparison(
        cold, Samples.medianOf(originRounds, bySeconds), Samples.medianOf(nginxRounds, bySeconds));
  }

  /** The median rounds' row, {@code GET /feed} against nginx; the caller adds its notes. */
  public ResultTable.Row addRow(ResultTable results) {
    return results.add(
        "feed, GET /feed (median round)",
        "entries/s",
        origin.rate(),
        "nginx, same pages (median round)",
        nginx.rate());
  }

  private static String nginxConfig(int port, Path pages) {
    return String.join(
        "\n",
        "  sendfile on;",
        "  tcp_nopush on;",
        "  keepalive_requests 100000;",
        "  default_type application/json;",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    root " + pages + ";",
        "    location = /.metamirror/feed {",
        "      add_header Cache-Control no-store;",
        "      try_files /since-$arg_since.json =404;",
        "    }",
        "    location / { return 404; }",
        "  }");
  }

  private static String rates(List<Throughput> rounds) {
    StringBuilder sb = new StringBuilder();
    for (Throughput t : rounds) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%,.0f", t.rate()));
    }
    return sb.toString();
  }
}
