package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.origin.repository.OriginRepository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Composer publishing API and packagist.org's mirror API, over real HTTP. */
class ComposerHttpTest {
  static final String API = ".metamirror/api/composer/packages";

  @TempDir Path data;
  OriginRepository repository;
  OriginServer server;
  OriginClient client;

  @BeforeEach
  void start() throws IOException {
    repository =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    server = OriginServer.start(repository, new OriginServer.Config("127.0.0.1", 0, "s3cret"));
    client = new OriginClient(server.port(), "s3cret");
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    repository.close();
  }

  static String doc(String name, String version) {
    return "{\"name\":\""
        + name
        + "\",\"version\":\""
        + version
        + "\",\"require\":{\"php\":\">=8.1\"},\"dist\":{\"type\":\"zip\",\"url\":"
        + "\"https://dist.example/x.zip\",\"reference\":\"abc\"}}";
  }

  HttpResponse<byte[]> get(String path, boolean gzip) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(client.base.resolve(path)).GET();
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    return client.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return OriginClient.JSON.readTree(in);
    }
  }

  HttpResponse<String> delete(String path) throws Exception {
    return client.http.send(
        HttpRequest.newBuilder(client.base.resolve(path))
            .header("Authorization", "Bearer s3cret")
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void publishingNeedsTheToken() throws Exception {
    HttpResponse<String> response =
        client.http.send(
            HttpRequest.newBuilder(client.base.resolve(API))
                .POST(HttpRequest.BodyPublishers.ofString(doc("acme/a", "1.0.0")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, response.statusCode());
    assertEquals(404, client.get("p2/acme/a.json").statusCode());
  }

  @Test
  void oneDocumentOrAnArrayIsPublishedAndServed() throws Exception {
    HttpResponse<String> one = client.post(API, doc("acme/a", "1.0.0"));
    assertEquals(200, one.statusCode(), one.body());
    assertEquals(1, OriginClient.JSON.readTree(one.body()).get("packages").get("acme/a").asInt());

    HttpResponse<String> many =
        client.post(API, "[" + doc("acme/a", "1.1.0") + "," + doc("acme/b", "dev-main") + "]");
    assertEquals(200, many.statusCode(), many.body());
    JsonNode answer = OriginClient.JSON.readTree(many.body());
    assertEquals(2, answer.get("packages").get("acme/a").asInt());
    assertEquals(1, answer.get("packages").get("acme/b").asInt());

    JsonNode p2 = client.getJson("p2/acme/a.json");
    assertEquals("composer/2.0", p2.get("minified").asText());
    assertEquals("1.1.0", p2.get("packages").get("acme/a").get(0).get("version").asText());
    JsonNode root = client.getJson("packages.json");
    assertEquals("/p2/%package%.json", root.get("metadata-url").asText());
    assertEquals("[\"acme/a\",\"acme/b\"]", root.get("available-packages").toString());
  }

  @Test
  void invalidBodiesAre400WithEveryProblem() throws Exception {
    HttpResponse<String> notJson = client.post(API, "{\"name\":");
    assertEquals(400, notJson.statusCode());
    assertTrue(notJson.body().contains("not valid JSON"), notJson.body());

    HttpResponse<String> scalar = client.post(API, "42");
    assertEquals(400, scalar.statusCode());

    HttpResponse<String> invalid =
        client.post(
            API,
            "[{\"name\":\"Bad Name\",\"version\":\"1.0\"},"
                + "{\"name\":\"acme/ok\",\"version\":\"one point oh\",\"require\":[1]}]");
    assertEquals(400, invalid.statusCode(), invalid.body());
    JsonNode problems = OriginClient.JSON.readTree(invalid.body()).get("problems");
    assertTrue(problems.size() >= 3, invalid.body());
    assertEquals(404, client.get("packages.json").statusCode(), "nothing was published");
  }

  @Test
  void deletesAnswer404ForWhatDoesNotExist() throws Exception {
    client.post(API, "[" + doc("acme/a", "1.0.0") + "," + doc("acme/a", "1.1.0") + "]");
    assertEquals(404, delete(API + "/acme/nope").statusCode());
    assertEquals(404, delete(API + "/acme/a/9.0.0").statusCode());
    assertEquals(400, delete(API + "/acme/a/not%20a%20version").statusCode());

    HttpResponse<String> version = delete(API + "/acme/a/1.1.0");
    assertEquals(200, version.statusCode(), version.body());
    assertEquals(
        1, client.getJson("p2/acme/a.json").get("packages").get("acme/a").size(), "one left");

    assertEquals(200, delete(API + "/acme/a").statusCode());
    assertEquals(404, client.get("p2/acme/a.json").statusCode());
    assertEquals(405, client.post(API + "/acme/a", doc("acme/a", "1.0.0")).statusCode());
  }

  @Test
  void changesJsonStartsWith400AndATimestampThenListsChangesGzipped() throws Exception {
    HttpResponse<byte[]> start = get("metadata/changes.json", true);
    assertEquals(400, start.statusCode());
    assertEquals("gzip", start.headers().firstValue("Content-Encoding").orElse(""));
    JsonNode error = gunzip(start.body());
    long since = error.get("timestamp").asLong();
    long nowTenThousandths = System.currentTimeMillis() * 10;
    assertTrue(Math.abs(nowTenThousandths - since) < 600_000, "timestamp in 1/10000 s: " + since);
    assertEquals(400, get("metadata/changes.json?since=abc", false).statusCode());

    client.post(API, doc("acme/a", "1.0.0"));
    HttpResponse<byte[]> changes = get("metadata/changes.json?since=" + since, true);
    assertEquals(200, changes.statusCode());
    JsonNode body = gunzip(changes.body());
    assertEquals(2, body.get("actions").size(), body.toString());
    JsonNode update = body.get("actions").get(0);
    assertEquals("update", update.get("type").asText());
    assertEquals("acme/a", update.get("package").asText());
    assertTrue(body.get("timestamp").asLong() > since);

    HttpResponse<byte[]> plain = get("metadata/changes.json?since=" + since, false);
    assertEquals(200, plain.statusCode());
    assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
    assertEquals(body, OriginClient.JSON.readTree(plain.body()));
  }

  @Test
  void listJsonNamesEveryPackageGzipped() throws Exception {
    client.post(API, "[" + doc("acme/b", "1.0.0") + "," + doc("acme/a", "dev-main") + "]");
    HttpResponse<byte[]> list = get("packages/list.json", true);
    assertEquals(200, list.statusCode());
    assertEquals("gzip", list.headers().firstValue("Content-Encoding").orElse(""));
    assertEquals("{\"packageNames\":[\"acme/a\",\"acme/b\"]}", gunzip(list.body()).toString());
  }

  @Test
  void listJsonFilterIsAWholeNameGlobThatIgnoresCase() throws Exception {
    client.post(
        API,
        "["
            + doc("acme/widget", "1.0.0")
            + ","
            + doc("acme/gadget", "1.0.0")
            + ","
            + doc("other/thing", "1.0.0")
            + "]");
    assertEquals(
        "{\"packageNames\":[\"acme/gadget\",\"acme/widget\"]}",
        list("packages/list.json?filter=ACME/*"));
    assertEquals("{\"packageNames\":[\"other/thing\"]}", list("packages/list.json?filter=*/thing"));
    assertEquals(
        "{\"packageNames\":[\"acme/widget\"]}", list("packages/list.json?filter=acme/w*t"));
    assertEquals("{\"packageNames\":[]}", list("packages/list.json?filter=acme"));
    // The mirror script appends a random cache-buster as the query: it filters nothing.
    assertEquals(
        3,
        OriginClient.JSON
            .readTree(list("packages/list.json?0cc175b9c0f1"))
            .get("packageNames")
            .size());
  }

  private String list(String path) throws Exception {
    HttpResponse<byte[]> response = get(path, false);
    assertEquals(200, response.statusCode(), path);
    return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void packagesJsonIsGzipEncodedForClientsThatAcceptIt() throws Exception {
    client.post(API, doc("acme/a", "1.0.0"));
    HttpResponse<byte[]> plain = get("packages.json", false);
    HttpResponse<byte[]> gzipped = get("packages.json", true);
    assertEquals(200, gzipped.statusCode());
    assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""));
    assertEquals(OriginClient.JSON.readTree(plain.body()), gunzip(gzipped.body()));
    String etag = gzipped.headers().firstValue("ETag").orElseThrow();
    assertEquals(
        plain.headers().firstValue("ETag").orElseThrow().replace("\"", "") + "-gzip",
        etag.replace("\"", ""),
        "the gzip variant has its own ETag, as on mirror nodes");
    assertEquals(
        plain.headers().firstValue("Last-Modified"), gzipped.headers().firstValue("Last-Modified"));

    HttpResponse<byte[]> revalidated =
        client.http.send(
            HttpRequest.newBuilder(client.base.resolve("packages.json"))
                .header("Accept-Encoding", "gzip")
                .header("If-None-Match", etag)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(304, revalidated.statusCode());
  }
}
