package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read right after a publish must find the file: the origin fallback exists to prevent exactly
 * that wrong 404. So no origin 404 is remembered unless asked for ({@code --negative-ttl}), and a
 * remembered one is never served once the node has heard of a later seq than the one the origin
 * answered it at, whether from its sync agent's feed or from any origin answer.
 */
class NegativeCacheSafetyTest {
  private static final Duration LONG_TTL = Duration.ofSeconds(60);
  private static final Map<String, byte[]> PACKAGES = Map.of("packages.json", utf8("{}"));
  private static final HttpClient PLAIN =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  @Test
  void byDefaultAReadRightAfterAPublishOnOneConnectionFindsTheFileEveryTime() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      HttpsClient client = bed.client(); // one HTTP/2 connection, kept alive
      for (int i = 0; i < 100; i++) {
        String path = "/p2/acme/pkg-" + i + ".json";
        byte[] body = utf8("{\"packages\":{\"acme/pkg-" + i + "\":[]}}");
        assertEquals(404, client.get(node, path).statusCode(), "before the publish, try " + i);
        assertEquals(200, put(bed.origin(), path, body).statusCode(), "publish, try " + i);

        HttpResponse<byte[]> after = client.get(node, path);

        assertEquals(200, after.statusCode(), "right after the publish, try " + i);
        assertArrayEquals(body, after.body());
      }
    }
  }

  @Test
  void originNotFoundNamesTheEpochAndHeadItWasAnsweredAt() throws Exception {
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      long head = origin.publish(Map.of("packages.json", utf8("{}")));

      HttpResponse<byte[]> missing =
          PLAIN.send(
              HttpRequest.newBuilder(origin.uri().resolve("/p2/acme/missing.json")).build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertEquals(404, missing.statusCode());
      assertEquals(String.valueOf(head), header(missing, "X-Metamirror-Head"));
      assertEquals(origin.epoch(), header(missing, "X-Metamirror-Epoch"));
    }
  }

  @Test
  void rememberedNotFoundEndsWhenAnotherOriginAnswerShowsALaterHead() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        MirrorNode node = bed.startCaughtUp(rememberingNotFound(bed.config("n")))) {
      HttpsClient client = bed.client();
      node.pauseSync(); // neither a commit nor the feed can end the remembered 404
      assertNotFoundIsRemembered(client, node, "/p2/acme/late.json");
      byte[] body = utf8("{\"packages\":{\"acme/late\":[]}}");
      assertEquals(200, put(bed.origin(), "/p2/acme/late.json", body).statusCode());

      // Another miss: the origin's answer carries its new head.
      assertEquals(404, client.get(node, "/p2/acme/other.json").statusCode());
      HttpResponse<byte[]> late = client.get(node, "/p2/acme/late.json");

      assertEquals(200, late.statusCode(), HttpsClient.text(late));
      assertEquals("origin", header(late, "X-Metamirror-Source"));
      assertArrayEquals(body, late.body());
    }
  }

  @Test
  void rememberedNotFoundEndsWhenTheFeedShowsALaterHeadBeforeTheFileIsApplied() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        OriginFaultSeam syncSeam = OriginFaultSeam.start(bed.origin().uri());
        MirrorNode node =
            bed.startCaughtUp(
                rememberingNotFound(bed.config("n", bed.origin().uri(), syncSeam.uri())))) {
      HttpsClient client = bed.client();
      assertNotFoundIsRemembered(client, node, "/p2/acme/late.json");
      // The agent hears of the new entry through the feed but cannot apply it yet: the file does
      // not come inside the page, and its blob is held back.
      syncSeam.dropInlineContent();
      syncSeam.holdAnswers(target -> target.startsWith("/.metamirror/blobs/"));
      byte[] body = utf8("{\"packages\":{\"acme/late\":[]}}");
      long published = bed.origin().publish(Map.of("p2/acme/late.json", body));
      Polling.await(
          "the agent to hear of seq " + published,
          () -> node.syncStatus().knownHead() >= published,
          () -> "; last status " + node.syncStatus());
      assertTrue(node.syncStatus().appliedSeq() < published, "the blob is held back");

      HttpResponse<byte[]> late = client.get(node, "/p2/acme/late.json");

      assertEquals(200, late.statusCode(), HttpsClient.text(late));
      assertEquals("origin", header(late, "X-Metamirror-Source"));
      assertArrayEquals(body, late.body());
      syncSeam.releaseAnswers();
    }
  }

  /** Origin 404s are remembered for {@link #LONG_TTL}, far beyond the test's length. */
  private static MirrorNodeConfig rememberingNotFound(MirrorNodeConfig config) {
    return config.withFallback(
        Duration.ofSeconds(2), Duration.ofSeconds(5), LONG_TTL, Duration.ofSeconds(5));
  }

  /** Two misses of {@code path}: the origin's 404, then the same 404 from the node's memory. */
  private static void assertNotFoundIsRemembered(HttpsClient client, MirrorNode node, String path)
      throws Exception {
    assertEquals(404, client.get(node, path).statusCode());
    assertEquals(404, client.get(node, path).statusCode());
    assertEquals(
        1.0,
        client.metric(node, "metamirror_fallback_negative_cache_hits_total"),
        "the second 404 was remembered");
  }

  /** Publishes through the origin's HTTP API, as a publisher would; 200 is the acknowledgement. */
  private static HttpResponse<byte[]> put(TestOrigin origin, String path, byte[] body)
      throws Exception {
    URI uri = origin.uri().resolve("/.metamirror/api/files" + path);
    return PLAIN.send(
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + TestOrigin.TOKEN)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
