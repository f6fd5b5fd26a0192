package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.composer.Minifier;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The p2 files a real origin generates from a real publish, compared field by field with
 * hand-written packagist.org-shaped fixtures ({@code src/test/resources/composer/fidelity/}), and
 * the shapes of its root, {@code list.json} and {@code changes.json} answers.
 */
class ComposerFidelityTest {
  private static final String FIXTURES = "/composer/fidelity/";

  @TempDir Path data;
  TestOrigin origin;
  OriginClient client;

  @BeforeEach
  void startAndPublishTheFixtureDocuments() throws Exception {
    origin = TestOrigin.start(data);
    client = new OriginClient(origin.port(), TestOrigin.TOKEN);
    HttpResponse<String> published =
        client.post(
            ComposerHttpTest.API, new String(fixture("publish.json"), StandardCharsets.UTF_8));
    assertEquals(200, published.statusCode(), published.body());
  }

  @AfterEach
  void stop() throws IOException {
    origin.close();
  }

  @Test
  void stableFileMatchesPackagistFieldByField() throws Exception {
    assertSameP2("p2/acme/widget.json");
  }

  @Test
  void devFileMatchesPackagistFieldByField() throws Exception {
    assertSameP2("p2/acme/widget~dev.json");
  }

  @Test
  void rootAdvertisesOnlyUrlsTheOriginServes() throws Exception {
    JsonNode root = json(client.get("packages.json").body());
    for (String absent : List.of("notify-batch", "search", "providers-api", "providers-url")) {
      assertFalse(root.has(absent), absent + " would send clients to a URL that 404s");
    }
    assertEquals(
        200,
        client
            .get(root.get("metadata-url").asText().replace("%package%", "acme/widget").substring(1))
            .statusCode());
    assertEquals(200, client.get(root.get("list").asText().substring(1)).statusCode());
    assertEquals(
        200,
        client
            .get(root.get("metadata-changes-url").asText().substring(1) + "?since=1")
            .statusCode());
  }

  @Test
  void listAndChangesAnswersHavePackagistsShape() throws Exception {
    assertEquals(
        json("{\"packageNames\":[\"acme/widget\"]}"),
        json(client.get("packages/list.json").body()));

    HttpResponse<byte[]> start = client.get("metadata/changes.json");
    assertEquals(400, start.statusCode());
    JsonNode error = json(start.body());
    assertEquals(List.of("error", "timestamp"), fieldNames(error));
    assertTrue(error.get("timestamp").isIntegralNumber());

    JsonNode changes = json(client.get("metadata/changes.json?since=1").body());
    // The whole journal is retained, so since=1 lists every change.
    assertEquals(List.of("actions", "timestamp"), fieldNames(changes));
    List<String> keys = new ArrayList<>();
    for (JsonNode action : changes.get("actions")) {
      assertEquals(List.of("type", "package", "time"), fieldNames(action));
      assertEquals("update", action.get("type").asText());
      assertTrue(action.get("time").isIntegralNumber());
      assertTrue(action.get("time").asLong() < 10_000_000_000L, "Unix seconds");
      keys.add(action.get("package").asText());
    }
    assertEquals(List.of("acme/widget", "acme/widget~dev"), keys);
    assertTrue(changes.get("timestamp").asLong() > 10_000_000_000_000L, "1/10000 s");
  }

  /** The served file and the fixture: same keys, same versions, each field equal and in order. */
  private void assertSameP2(String path) throws Exception {
    JsonNode expected = json(fixture(path));
    HttpResponse<byte[]> served = client.get(path);
    assertEquals(200, served.statusCode(), path);
    JsonNode actual = json(served.body());

    assertEquals(fieldNames(expected), fieldNames(actual), path + ": top-level keys");
    for (Map.Entry<String, JsonNode> field : expected.properties()) {
      if (!field.getKey().equals("packages")) {
        assertEquals(field.getValue(), actual.get(field.getKey()), path + ": " + field.getKey());
      }
    }
    assertEquals(List.of("acme/widget"), fieldNames(actual.get("packages")), path);
    List<ObjectNode> wanted = versions(expected);
    List<ObjectNode> got = versions(actual);
    assertEquals(wanted.size(), got.size(), path + ": number of versions");
    for (int i = 0; i < wanted.size(); i++) {
      String where =
          path
              + " version "
              + i
              + " ("
              + Minifier.expand(wanted).get(i).get("version").asText()
              + ")";
      assertEquals(fieldNames(wanted.get(i)), fieldNames(got.get(i)), where + ": keys, in order");
      for (Map.Entry<String, JsonNode> field : wanted.get(i).properties()) {
        assertEquals(
            field.getValue(), got.get(i).get(field.getKey()), where + ": " + field.getKey());
      }
    }
    assertEquals(Minifier.expand(wanted), Minifier.expand(got), path + ": as Composer expands it");
  }

  private static List<ObjectNode> versions(JsonNode file) {
    return StreamSupport.stream(file.get("packages").get("acme/widget").spliterator(), false)
        .map(ObjectNode.class::cast)
        .toList();
  }

  private static List<String> fieldNames(JsonNode node) {
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }

  private static JsonNode json(String text) throws IOException {
    return OriginClient.JSON.readTree(text);
  }

  private static JsonNode json(byte[] body) throws IOException {
    return OriginClient.JSON.readTree(body);
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = ComposerFidelityTest.class.getResourceAsStream(FIXTURES + name)) {
      if (in == null) {
        throw new IOException("no fixture " + FIXTURES + name);
      }
      return in.readAllBytes();
    }
  }
}
