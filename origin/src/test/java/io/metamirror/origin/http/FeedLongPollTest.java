package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.origin.repository.OriginRepository;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedLongPollTest {
  private static final String TOKEN = "feed-test-token";

  @TempDir Path data;
  private OriginRepository repository;
  private OriginServer server;
  private OriginClient client;

  private void start(OriginRepository.Options options, int workerThreads) throws Exception {
    repository = OriginRepository.open(data, options, Clock.systemUTC());
    server =
        OriginServer.start(
            repository, new OriginServer.Config("127.0.0.1", 0, TOKEN, workerThreads));
    client = new OriginClient(server.port(), TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (repository != null) {
      repository.close();
    }
  }

  private void awaitWaiters(int n) throws InterruptedException {
    // Bounded so a broken server fails the test instead of hanging it.
    for (int i = 0; i < 3000 && server.feedWaiters() < n; i++) {
      Thread.sleep(10);
    }
    assertEquals(n, server.feedWaiters(), "parked feed requests");
  }

  @Test
  void aWaitingFeedRequestIsAnsweredWithTheNewEntryAfterAPublish() throws Exception {
    start(OriginRepository.Options.defaults(), 16);
    client.batch(Map.of("a.json", "1"), List.of());
    CompletableFuture<HttpResponse<byte[]>> waiting =
        client.http.sendAsync(
            HttpRequest.newBuilder(client.base.resolve(".metamirror/feed?since=1&wait=60")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    awaitWaiters(1);
    assertTrue(!waiting.isDone(), "nothing new yet, so the request waits");

    client.batch(Map.of("b.json", "2"), List.of());

    JsonNode page = OriginClient.JSON.readTree(waiting.get(30, TimeUnit.SECONDS).body());
    assertEquals(2, page.get("head").asLong());
    assertEquals(1, page.get("entries").size());
    JsonNode entry = page.get("entries").get(0);
    assertEquals(2, entry.get("seq").asLong());
    assertEquals("b.json", entry.get("path").asText());
    assertEquals(repository.epoch().value(), page.get("epoch").asText());
    assertEquals(0, server.feedWaiters());
  }

  @Test
  void withNothingNewTheFeedAnswersEmptyAfterTheWait() throws Exception {
    start(OriginRepository.Options.defaults(), 16);
    client.batch(Map.of("a.json", "1"), List.of());
    long started = System.nanoTime();
    JsonNode page = client.getJson(".metamirror/feed?since=1&wait=1");
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(0, page.get("entries").size());
    assertEquals(1, page.get("head").asLong());
    assertTrue(elapsedMillis >= 950, "held for the wait, not answered at once: " + elapsedMillis);
  }

  @Test
  void theFeedHonoursLimitAndSince() throws Exception {
    start(OriginRepository.Options.defaults(), 16);
    for (int i = 1; i <= 25; i++) {
      client.batch(Map.of("f" + i + ".json", "v" + i), List.of());
    }
    JsonNode page = client.getJson(".metamirror/feed?since=0&limit=10");
    assertEquals(25, page.get("head").asLong());
    assertEquals(10, page.get("entries").size());
    assertEquals(1, page.get("entries").get(0).get("seq").asLong());
    assertEquals(10, page.get("entries").get(9).get("seq").asLong());

    JsonNode rest = client.getJson(".metamirror/feed?since=20&limit=10");
    assertEquals(5, rest.get("entries").size());
    assertEquals(21, rest.get("entries").get(0).get("seq").asLong());
  }

  @Test
  void aSinceOlderThanTheRetainedJournalAnswers410Resync() throws Exception {
    start(
        OriginRepository.Options.defaults()
            .withRetainEntries(10)
            .withSegmentEntries(5)
            .withCheckpointEvery(1_000_000),
        16);
    for (int i = 1; i <= 40; i++) {
      client.batch(Map.of("f" + (i % 7) + ".json", "v" + i), List.of());
    }
    repository.checkpoint();
    long first = repository.firstRetainedSeq();
    assertTrue(first > 1 && first <= 31, "old segments were dropped: first retained " + first);

    HttpResponse<byte[]> gone = client.get(".metamirror/feed?since=0");
    assertEquals(410, gone.statusCode());
    JsonNode body = OriginClient.JSON.readTree(gone.body());
    assertTrue(body.get("resync").asBoolean());

    JsonNode page = client.getJson(".metamirror/feed?since=" + (first - 1));
    assertEquals(first, page.get("entries").get(0).get("seq").asLong());
    assertEquals(410, client.get(".metamirror/feed?since=" + (first - 2)).statusCode());
    assertEquals(410, client.get(".metamirror/feed?since=41").statusCode(), "ahead of the head");
  }

  @Test
  void fiveHundredWaitingRequestsDoNotGrowTheServersThreadCount() throws Exception {
    // Many worker threads available: a server that parked a thread per waiter would use them.
    start(OriginRepository.Options.defaults(), 200);
    client.batch(Map.of("a.json", "1"), List.of());
    client.getJson(".metamirror/feed?since=0"); // warms up the lazily started threads
    client.getJson(".metamirror/health");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();

    List<SocketChannel> waiters = new ArrayList<>();
    byte[] request =
        ("GET /.metamirror/feed?since=1&wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    try {
      for (int i = 0; i < 500; i++) {
        SocketChannel channel =
            SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        channel.write(ByteBuffer.wrap(request));
        waiters.add(channel);
      }
      awaitWaiters(500);
      int during = threads.getThreadCount();
      assertTrue(
          during - before < 10,
          "500 parked requests grew the thread count from " + before + " to " + during);

      client.batch(Map.of("b.json", "2"), List.of());
      for (SocketChannel channel : waiters) {
        String response = readResponse(channel);
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\"path\":\"b.json\""), response);
      }
    } finally {
      for (SocketChannel channel : waiters) {
        channel.close();
      }
    }
  }

  /** Reads one HTTP response whose body ends with the feed page's closing "]}". */
  private static String readResponse(SocketChannel channel) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (!out.toString(StandardCharsets.UTF_8).endsWith("]}")) {
      buffer.clear();
      if (channel.read(buffer) < 0) {
        break;
      }
      out.write(buffer.array(), 0, buffer.position());
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
