package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local miss answered by the origin is the origin's answer to the client's request, not to a
 * simplified one: the query string goes upstream (packagist's mirror tooling reads {@code
 * changes.json?since=}), and so does whether the client takes gzip (packagist's mirror script
 * requires it). Each is part of what one origin request answers, so clients that differ in either
 * never share an answer.
 */
class FallbackFidelityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHANGES = "/metadata/changes.json";

  /** Over {@code CompressedTypes.MIN_GZIP_BYTES}, so that the origin gzips it. */
  private static final byte[] WIDGET =
      ("{\"packages\":{\"acme/widget\":[" + "{\"version\":\"1.0.0\"},".repeat(80) + "{}]}}")
          .getBytes(StandardCharsets.UTF_8);

  private static final Map<String, byte[]> PACKAGES = Map.of("packages.json", utf8("{}"));

  @TempDir Path dir;

  @Test
  void queryStringReachesTheOriginOnALocalMiss() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      long since = currentTimestamp(bed.origin());
      long second = bed.origin().publish(Map.of("p2/acme/widget.json", WIDGET));
      TestNodes.awaitCaughtUp(node, second);

      HttpResponse<byte[]> viaNode = bed.client().get(node, CHANGES + "?since=" + since);
      HttpResponse<byte[]> fromOrigin = plainGet(bed.origin().uri(), CHANGES + "?since=" + since);

      assertEquals(200, fromOrigin.statusCode(), HttpsClient.text(fromOrigin));
      assertEquals(200, viaNode.statusCode(), HttpsClient.text(viaNode));
      assertEquals("origin", header(viaNode, "X-Metamirror-Source"));
      assertEquals(JSON.readTree(fromOrigin.body()), JSON.readTree(viaNode.body()));
      assertEquals(
          "acme/widget",
          JSON.readTree(viaNode.body()).get("actions").get(0).get("package").asText());
    }
  }

  @Test
  void queryOnAPathTheStoreHasIsServedFromTheStore() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of("p2/acme/widget.json", WIDGET));
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      HttpResponse<byte[]> hit = bed.client().get(node, "/p2/acme/widget.json?v=2");

      assertEquals(200, hit.statusCode());
      assertEquals("local", header(hit, "X-Metamirror-Source"));
      assertArrayEquals(WIDGET, hit.body());
    }
  }

  @Test
  void twoQueriesOfOnePathWaitingTogetherAreTwoOriginRequests() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, Map.of("p2/acme/widget.json", WIDGET));
        OriginFaultSeam seam = OriginFaultSeam.start(bed.origin().uri());
        MirrorNode node = bed.startCaughtUp(bed.config("n", seam.uri(), bed.origin().uri()))) {
      long since = currentTimestamp(bed.origin());
      seam.holdAnswers(target -> target.startsWith(CHANGES));
      CompletableFuture<HttpResponse<byte[]>> good =
          getAsync(bed.tls(), node, CHANGES + "?since=" + since);
      CompletableFuture<HttpResponse<byte[]>> bad = getAsync(bed.tls(), node, CHANGES + "?since=x");
      Polling.await(
          "both queries to reach the origin while held",
          () ->
              seam.requestsFor(CHANGES + "?since=" + since) == 1
                  && seam.requestsFor(CHANGES + "?since=x") == 1,
          () -> "; without a query: " + seam.requestsFor(CHANGES));
      seam.releaseAnswers();

      assertEquals(200, good.get().statusCode(), HttpsClient.text(good.get()));
      assertEquals(400, bad.get().statusCode(), HttpsClient.text(bad.get()));
    }
  }

  @Test
  void gzipClientGetsTheOriginsGzipAndAnIdentityClientTheBytes() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      node.pauseSync(); // the new file stays a local miss
      bed.origin().publish(Map.of("p2/acme/widget.json", WIDGET));
      String sha256 = bed.origin().sha256("p2/acme/widget.json");

      HttpResponse<byte[]> gzip =
          bed.client().get(node, "/p2/acme/widget.json", "Accept-Encoding", "gzip");
      HttpResponse<byte[]> identity = bed.client().get(node, "/p2/acme/widget.json");

      assertEquals(200, gzip.statusCode());
      assertEquals("origin", header(gzip, "X-Metamirror-Source"));
      assertEquals("gzip", header(gzip, "Content-Encoding"));
      assertEquals("Accept-Encoding", header(gzip, "Vary"));
      assertEquals("\"" + sha256 + "-gzip\"", header(gzip, "ETag"));
      assertArrayEquals(WIDGET, gunzip(gzip.body()));
      assertEquals(200, identity.statusCode());
      assertNull(header(identity, "Content-Encoding"));
      assertEquals("Accept-Encoding", header(identity, "Vary"));
      assertEquals("\"" + sha256 + "\"", header(identity, "ETag"));
      assertArrayEquals(WIDGET, identity.body());
    }
  }

  @Test
  void packageListThroughANodeIsGzipWhenTheClientAsks() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      HttpResponse<byte[]> list =
          bed.client().get(node, "/packages/list.json", "Accept-Encoding", "gzip");

      assertEquals(200, list.statusCode(), HttpsClient.text(list));
      assertEquals("gzip", header(list, "Content-Encoding"));
      JsonNode names = JSON.readTree(gunzip(list.body())).get("packageNames");
      assertTrue(names.isArray(), names.toString());
    }
  }

  @Test
  void gzipAndIdentityClientsWaitingTogetherAreTwoOriginRequests() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir, PACKAGES);
        OriginFaultSeam seam = OriginFaultSeam.start(bed.origin().uri());
        MirrorNode node = bed.startCaughtUp(bed.config("n", seam.uri(), bed.origin().uri()))) {
      node.pauseSync();
      bed.origin().publish(Map.of("p2/acme/widget.json", WIDGET));
      seam.holdAnswers(target -> target.equals("/p2/acme/widget.json"));
      CompletableFuture<HttpResponse<byte[]>> gzip =
          getAsync(bed.tls(), node, "/p2/acme/widget.json", "Accept-Encoding", "gzip");
      CompletableFuture<HttpResponse<byte[]>> identity =
          getAsync(bed.tls(), node, "/p2/acme/widget.json");
      Polling.await(
          "both variants to reach the origin while held",
          () -> seam.requestsFor("/p2/acme/widget.json") == 2,
          () -> "; requests: " + seam.requestsFor("/p2/acme/widget.json"));
      seam.releaseAnswers();

      assertEquals("gzip", header(gzip.get(), "Content-Encoding"));
      assertArrayEquals(WIDGET, gunzip(gzip.get().body()));
      assertNull(header(identity.get(), "Content-Encoding"));
      assertArrayEquals(WIDGET, identity.get().body());
    }
  }

  /** The {@code since} a follower starting now uses: the origin's refusal of no since names it. */
  private static long currentTimestamp(TestOrigin origin) throws Exception {
    HttpResponse<byte[]> refusal = plainGet(origin.uri(), CHANGES);
    assertEquals(400, refusal.statusCode());
    return JSON.readTree(refusal.body()).get("timestamp").asLong();
  }

  /** A GET that can carry headers, sent without waiting for the answer. */
  private static CompletableFuture<HttpResponse<byte[]>> getAsync(
      TestTls tls, MirrorNode node, String target, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + target))
            .timeout(java.time.Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HttpClient.newBuilder()
        .sslContext(tls.client())
        .build()
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> plainGet(URI base, String target) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return http.send(
        HttpRequest.newBuilder(base.resolve(target))
            .timeout(java.time.Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
