package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.testsupport.origin.TestOrigin;
import io.prometheus.metrics.core.metrics.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin's publish counters under concurrent publishes, which report their heads after the
 * publish lock and so in any order (found by the chaos suite: a late smaller head made a negative
 * counter increment, and the committed publish answered 500).
 */
class OriginMetricsTest {
  @TempDir Path data;

  @Test
  void aSmallerHeadArrivingAfterALargerOneCountsThePublishAndNoEntries() {
    Counter publishes = Counter.builder().name("p").build();
    Counter entries = Counter.builder().name("e").build();
    OriginMetrics.HeadCounter counter = new OriginMetrics.HeadCounter(10, publishes, entries);

    counter.accept(13);
    counter.accept(12);
    counter.accept(14);

    assertEquals(3, publishes.get());
    assertEquals(4, entries.get(), "seqs 11 to 14, each once");
  }

  @Test
  void concurrentPublishesAllSucceedAndTheEntryCountIsTheHead() throws Exception {
    try (TestOrigin origin = TestOrigin.start(data)) {
      HttpClient http = HttpClient.newHttpClient();
      ExecutorService threads = Executors.newFixedThreadPool(8);
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        URI uri = origin.uri().resolve("/.metamirror/api/files/f/" + i + ".txt");
        String body = "file " + i;
        statuses.add(
            threads.submit(
                () ->
                    http.send(
                            HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer " + TestOrigin.TOKEN)
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()));
      }
      for (Future<Integer> status : statuses) {
        assertEquals(200, status.get());
      }
      threads.shutdown();
      String metrics =
          http.send(
                  HttpRequest.newBuilder(origin.uri().resolve("/.metamirror/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertEquals(200, origin.head());
      assertEquals(true, metrics.contains("\nmetamirror_origin_entries_total 200.0\n"), metrics);
      assertEquals(true, metrics.contains("\nmetamirror_origin_publishes_total 200.0\n"), metrics);
    }
  }
}
