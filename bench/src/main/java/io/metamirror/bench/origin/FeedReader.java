package io.metamirror.bench.origin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads a whole feed, {@code GET /.metamirror/feed?since=N&limit=L} from since=0 until a page has
 * no entries, parsing and checking every entry. The same client reads the origin and the reference
 * server, so the client's cost (JDK HttpClient, Jackson's streaming parser) is the same in both
 * figures, and the reference's figure is also the most this client can measure.
 */
final class FeedReader {
  private final HttpClient http = HttpClients.http11();
  private final int limit;

  FeedReader(int limit) {
    this.limit = limit;
  }

  /**
   * Reads the feed at {@code base}; saves each page as {@code saveTo/since-N.json} when {@code
   * saveTo} is not null. Checks: HTTP 200, seqs consecutive from 1, the head not behind the last
   * entry, {@code expectedEntries} in all; with {@code sizes} (a fresh origin) also that entry seq
   * k is the put of file k-1 with its size.
   */
  Throughput read(String label, String base, Path saveTo, int[] sizes, long expectedEntries)
      throws IOException, InterruptedException {
    if (saveTo != null) {
      Files.createDirectories(saveTo);
    }
    long since = 0;
    long entries = 0;
    long bytes = 0;
    int pages = 0;
    Stopwatch clock = Stopwatch.start();
    while (true) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(base + "/.metamirror/feed?since=" + since + "&limit=" + limit))
              .timeout(Duration.ofSeconds(60))
              .GET()
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      byte[] body = response.body();
      if (response.statusCode() != 200) {
        throw new BenchFailure(
            label
                + " feed since="
                + since
                + ": HTTP "
                + response.statusCode()
                + ": "
                + BenchFailure.abbreviate(new String(body, StandardCharsets.UTF_8)));
      }
      if (saveTo != null) {
        Files.write(saveTo.resolve("since-" + since + ".json"), body);
      }
      pages++;
      bytes += body.length;
      long last = checkPage(label, body, since, sizes);
      if (last == since) {
        break;
      }
      entries += last - since;
      since = last;
    }
    double seconds = clock.seconds();
    if (entries != expectedEntries) {
      throw new BenchFailure(
          label + " feed: read " + entries + " entries, expected " + expectedEntries);
    }
    System.out.printf(
        Locale.ROOT,
        "feed     %s: %d entries in %.3f s = %,.0f entries/s (%d pages, %.1f MB, %.0f MB/s)%n",
        label,
        entries,
        seconds,
        entries / seconds,
        pages,
        bytes / 1e6,
        bytes / 1e6 / seconds);
    return new Throughput(entries, seconds);
  }

  /** Parses one page; returns the seq of its last entry, or {@code since} when it has none. */
  private static long checkPage(String label, byte[] body, long since, int[] sizes)
      throws IOException {
    long[] next = {since + 1};
    long head =
        JournalAnswer.read(
            body,
            label + " feed page",
            entry -> {
              checkEntry(label, entry, since, next[0], sizes);
              next[0]++;
            });
    long last = next[0] - 1;
    if (last > since && head < last) {
      throw new BenchFailure(label + " feed: head " + head + " is behind entry " + last);
    }
    return last;
  }

  /** Checks the entry the parser is in: seq {@code due}, and with {@code sizes} its file. */
  private static void checkEntry(String label, JsonParser in, long since, long due, int[] sizes)
      throws IOException {
    long seq = -1;
    long size = -1;
    String op = null;
    String path = null;
    for (JsonToken f = in.nextToken(); f == JsonToken.FIELD_NAME; f = in.nextToken()) {
      String name = in.currentName();
      in.nextToken();
      switch (name) {
        case "seq" -> seq = in.getLongValue();
        case "size" -> size = in.getLongValue();
        case "op" -> op = in.getText();
        case "path" -> path = in.getText();
        default -> in.skipChildren();
      }
    }
    if (seq != due) {
      throw new BenchFailure(
          label + " feed since=" + since + ": seq " + seq + " where " + due + " was due");
    }
    if (sizes != null) {
      int i = (int) (seq - 1);
      String expected = ComposerLikeFiles.path(i);
      if (!"put".equals(op) || !expected.equals(path) || size != sizes[i]) {
        throw new BenchFailure(
            String.format(
                Locale.ROOT,
                "%s feed: seq %d is %s %s (%d B), expected put %s (%d B)",
                label,
                seq,
                op,
                path,
                size,
                expected,
                sizes[i]));
      }
    }
  }
}
