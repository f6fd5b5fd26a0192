package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.origin.repository.OriginRepository;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code &inline=BYTES}: small files travel inside the feed page (issue 21). */
class FeedInlineTest {
  private static final String TOKEN = "feed-inline-token";
  private static final int LIMIT = 64 * 1024;

  @TempDir Path data;
  private OriginRepository repository;
  private OriginServer server;
  private OriginClient client;

  @BeforeEach
  void start() throws Exception {
    repository =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    server = OriginServer.start(repository, new OriginServer.Config("127.0.0.1", 0, TOKEN, 8));
    client = new OriginClient(server.port(), TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    repository.close();
  }

  @Test
  void aFeedAskedForInlineCarriesEachSmallFileButNotALargeOneNorADelete() throws Exception {
    String small = "{\"packages\":{\"acme/small\":[]}}";
    String atLimit = "a".repeat(LIMIT);
    String large = "b".repeat(LIMIT + 1);
    Map<String, String> puts = new LinkedHashMap<>();
    puts.put("p2/acme/small.json", small);
    puts.put("p2/acme/at-limit.json", atLimit);
    puts.put("p2/acme/large.json", large);
    client.batch(puts, List.of());
    client.batch(Map.of(), List.of("p2/acme/small.json"));

    JsonNode page = client.getJson(".metamirror/feed?since=0&inline=1048576");

    Map<String, JsonNode> byPath = new LinkedHashMap<>();
    for (JsonNode e : page.get("entries")) {
      byPath.put(e.get("op").asText() + " " + e.get("path").asText(), e);
    }
    assertEquals(base64(small), byPath.get("put p2/acme/small.json").get("content").asText());
    assertEquals(base64(atLimit), byPath.get("put p2/acme/at-limit.json").get("content").asText());
    assertFalse(byPath.get("put p2/acme/large.json").has("content"), "over 64 KiB: fetched");
    assertFalse(byPath.get("delete p2/acme/small.json").has("content"));
  }

  @Test
  void aFeedNotAskedForInlineIsAsBefore() throws Exception {
    client.batch(Map.of("a.json", "1"), List.of());
    String page = new String(client.get(".metamirror/feed?since=0").body(), StandardCharsets.UTF_8);
    assertFalse(page.contains("content"), page);
    assertFalse(
        new String(client.get(".metamirror/feed?since=0&inline=0").body(), StandardCharsets.UTF_8)
            .contains("content"));
  }

  @Test
  void theInlineBytesBoundWhatOnePageCarries() throws Exception {
    for (int i = 1; i <= 3; i++) {
      client.batch(Map.of("f" + i + ".json", String.valueOf(i).repeat(100)), List.of());
    }
    JsonNode entries = client.getJson(".metamirror/feed?since=0&inline=250").get("entries");
    assertTrue(entries.get(0).has("content"));
    assertTrue(entries.get(1).has("content"));
    assertFalse(entries.get(2).has("content"), "200 of 250 bytes used: the third is fetched");
  }

  @Test
  void aWaitingFeedRequestAskingInlineIsWokenWithTheNewFileInside() throws Exception {
    client.batch(Map.of("a.json", "1"), List.of());
    CompletableFuture<HttpResponse<byte[]>> waiting =
        client.http.sendAsync(
            HttpRequest.newBuilder(
                    client.base.resolve(".metamirror/feed?since=1&wait=60&inline=65536"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    for (int i = 0; i < 3000 && server.feedWaiters() < 1; i++) {
      Thread.sleep(10);
    }
    assertEquals(1, server.feedWaiters(), "parked feed requests");

    client.batch(Map.of("b.json", "{\"b\":2}"), List.of());

    JsonNode page = OriginClient.JSON.readTree(waiting.get(30, TimeUnit.SECONDS).body());
    JsonNode entry = page.get("entries").get(0);
    assertEquals("b.json", entry.get("path").asText());
    assertEquals(base64("{\"b\":2}"), entry.get("content").asText());
  }

  @Test
  void aNegativeOrNonNumericInlineIsA400NamingIt() throws Exception {
    HttpResponse<byte[]> negative = client.get(".metamirror/feed?since=0&inline=-1");
    assertEquals(400, negative.statusCode());
    assertTrue(
        new String(negative.body(), StandardCharsets.UTF_8).contains("inline must be >= 0: -1"));
    HttpResponse<byte[]> word = client.get(".metamirror/feed?since=0&inline=lots");
    assertEquals(400, word.statusCode());
    assertTrue(
        new String(word.body(), StandardCharsets.UTF_8)
            .contains("inline must be an integer: lots"));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
