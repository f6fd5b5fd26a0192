package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.testsupport.poll.Polling;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP calls of Composer's official mirror script (composer/mirror, {@code mirror.php --v2}),
 * made with a plain client, with its {@code api_url} and {@code repo_url} pointed at the origin and
 * then at a node: the 400 that gives the first timestamp, {@code list.json?<random>} for a resync,
 * the p2 files, then {@code changes.json?since=} and the p2 files again with {@code
 * If-Modified-Since} (the script's format, {@code D, d M Y H:i:s T}). The script refuses answers
 * that are not gzip-encoded and checks that a p2 file's {@code Last-Modified}, read from a 200 or a
 * 304, is not older than the change that announced it. (The script itself cannot be installed here:
 * it needs packagist.org.)
 */
class ComposerMirrorScriptCallsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter PHP_GMDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
          .withZone(java.time.ZoneOffset.UTC);

  @TempDir Path dir;

  /** One side the script talks to: GET with headers. */
  private interface Side {
    HttpResponse<byte[]> get(String target, String... headers) throws Exception;
  }

  @Test
  void theScriptsCallsWorkAgainstTheOriginAndAgainstANode() throws Exception {
    try (NodeTestbed bed = NodeTestbed.start(dir);
        MirrorNode node = bed.startCaughtUp(bed.config("n"))) {
      publish(bed, "1.0.0");
      TestNodes.awaitCaughtUp(node, bed.origin().head());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Side origin =
          (target, headers) ->
              http.send(
                  request(bed.origin().uri().resolve(target), headers),
                  HttpResponse.BodyHandlers.ofByteArray());
      Side viaNode = (target, headers) -> bed.client().get(node, "/" + target, headers);

      walk(bed, node, origin, "1.1.0");
      walk(bed, node, viaNode, "1.2.0");
    }
  }

  /** One run of the script's v2 loop: start, resync, then one round of changes. */
  private void walk(NodeTestbed bed, MirrorNode node, Side side, String nextVersion)
      throws Exception {
    // No timestamp stored yet: changes.json without since is a 400 carrying the current one.
    HttpResponse<byte[]> start = side.get("metadata/changes.json", "Accept-Encoding", "gzip");
    assertEquals(400, start.statusCode());
    long since = body(start).get("timestamp").asLong();

    // Resync: the list (with a random query as cache-buster), then every p2 file.
    HttpResponse<byte[]> list =
        side.get("packages/list.json?0cc175b9c0f1b6a8", "Accept-Encoding", "gzip");
    assertEquals("gzip", header(list, "Content-Encoding"), "the script requires gzip");
    assertTrue(body(list).get("packageNames").toString().contains("acme/widget"));
    HttpResponse<byte[]> stable = side.get("p2/acme/widget.json", "Accept-Encoding", "gzip");
    HttpResponse<byte[]> dev = side.get("p2/acme/widget~dev.json", "Accept-Encoding", "gzip");
    assertEquals(200, stable.statusCode());
    assertEquals(200, dev.statusCode());
    assertTrue(body(dev).has("packages"), "valid JSON, gzip or not");
    String stored = header(stable, "Last-Modified"); // the script stamps its copy with this

    HttpResponse<byte[]> root = side.get("packages.json", "Accept-Encoding", "gzip");
    assertEquals("gzip", header(root, "Content-Encoding"), "the script requires gzip");

    // A change, in a later second than the copy's mtime (Last-Modified has whole seconds).
    Instant storedAt =
        ZonedDateTime.parse(stored, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    Polling.await(
        "a second after the stored copy's Last-Modified",
        () -> Instant.now().getEpochSecond() > storedAt.getEpochSecond(),
        () -> "");
    publish(bed, nextVersion);
    TestNodes.awaitCaughtUp(node, bed.origin().head());

    HttpResponse<byte[]> changes =
        side.get("metadata/changes.json?since=" + since, "Accept-Encoding", "gzip");
    assertEquals(200, changes.statusCode());
    assertEquals("gzip", header(changes, "Content-Encoding"), "the script requires gzip");
    JsonNode update = null;
    for (JsonNode action : body(changes).get("actions")) {
      if (action.get("package").asText().equals("acme/widget")) {
        update = action;
      }
    }
    assertTrue(
        update != null && update.get("type").asText().equals("update"), body(changes).toString());
    long minimumMtime = update.get("time").asLong();

    String ifModifiedSince = PHP_GMDATE.format(storedAt);
    HttpResponse<byte[]> fresh =
        side.get(
            "p2/acme/widget.json", "Accept-Encoding", "gzip", "If-Modified-Since", ifModifiedSince);
    assertEquals(200, fresh.statusCode(), "changed since the stored copy");
    assertTrue(body(fresh).toString().contains(nextVersion));
    assertTrue(
        lastModifiedSeconds(fresh) >= minimumMtime, "not older than the change announced it");

    HttpResponse<byte[]> again =
        side.get(
            "p2/acme/widget.json",
            "Accept-Encoding",
            "gzip",
            "If-Modified-Since",
            header(fresh, "Last-Modified"));
    assertEquals(304, again.statusCode());
    assertTrue(
        lastModifiedSeconds(again) >= minimumMtime, "the script reads Last-Modified from a 304");
  }

  private static void publish(NodeTestbed bed, String version) throws IOException {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", "acme/widget").put("version", version).put("description", "x".repeat(200));
    bed.origin().composer().publish(List.of(doc));
  }

  private static HttpRequest request(java.net.URI uri, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.build();
  }

  private static long lastModifiedSeconds(HttpResponse<?> response) {
    return ZonedDateTime.parse(
            header(response, "Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME)
        .toEpochSecond();
  }

  /** The JSON body, inflated when the answer says gzip. */
  private static JsonNode body(HttpResponse<byte[]> response) throws IOException {
    if ("gzip".equals(header(response, "Content-Encoding"))) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
        return JSON.readTree(in);
      }
    }
    return JSON.readTree(response.body());
  }
}
