package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and malformed requests against a real origin on loopback: each is refused with the status
 * and message a publisher needs, and none of them changes what the origin serves, journals or keeps
 * in its blob staging area.
 */
class OriginBadInputTest {
  private static final String TOKEN = "s3cret-token";
  private static final String FILES = "/.metamirror/api/files/";
  private static final String BATCH = "/.metamirror/api/batch";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private OriginRepository repository;
  private OriginServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws IOException {
    repository =
        OriginRepository.open(dataDir, OriginRepository.Options.defaults(), Clock.systemUTC());
    server = OriginServer.start(repository, new OriginServer.Config("127.0.0.1", 0, TOKEN));
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (repository != null) {
      repository.close();
    }
  }

  // ---------------------------------------------------------------- (a) authorisation

  @Test
  void putWithoutAuthorizationIs401WithABearerChallenge() throws Exception {
    Response r = send("PUT", FILES + "x.json", null, bytes("{}"));
    assertEquals(401, r.status());
    assertEquals("Bearer realm=\"metamirror\"", r.header("WWW-Authenticate"));
    assertEquals("this endpoint needs Authorization: Bearer <token>", r.error());
    assertEquals(404, get("/x.json").status());
    assertNothingChanged(0);
  }

  @Test
  void putWithAnotherAuthorizationSchemeIs401() throws Exception {
    Response r =
        send("PUT", FILES + "x.json", Map.of("Authorization", "Basic dXNlcjpwYXNz"), bytes("{}"));
    assertEquals(401, r.status());
    assertNotNull(r.header("WWW-Authenticate"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrong", "s3cret-token-and-more", "s3cret", "S3CRET-TOKEN"})
  void putWithAWrongTokenIs403AndPublishesNothing(String token) throws Exception {
    Response r =
        send("PUT", FILES + "x.json", Map.of("Authorization", "Bearer " + token), bytes("{}"));
    assertEquals(403, r.status());
    assertEquals("the bearer token is not valid", r.error());
    assertEquals(404, get("/x.json").status());
    assertNothingChanged(0);
  }

  @Test
  void everyPublishingEndpointNeedsTheToken() throws Exception {
    assertEquals(401, send("DELETE", FILES + "x.json", null, null).status());
    assertEquals(401, send("POST", BATCH, null, bytes("{\"changes\":[]}")).status());
    assertEquals(401, send("GET", "/.metamirror/api/anything", null, null).status());
    Map<String, String> wrong = Map.of("Authorization", "Bearer nope");
    assertEquals(403, send("DELETE", FILES + "x.json", wrong, null).status());
    assertEquals(403, send("POST", BATCH, wrong, bytes("{\"changes\":[]}")).status());
  }

  @Test
  void putWithTheTokenPublishesAndTheFileIsServed() throws Exception {
    byte[] content = bytes("{\"packages\":{}}");
    Response r = put("x.json", content);
    assertEquals(200, r.status(), r.body());
    JsonNode body = r.json();
    assertEquals(1, body.path("head").asLong());
    assertEquals("put", body.path("entries").path(0).path("op").asText());
    assertEquals("x.json", body.path("entries").path(0).path("path").asText());
    assertEquals(Sha256.of(content).hex(), body.path("entries").path(0).path("sha256").asText());

    Response served = get("/x.json");
    assertEquals(200, served.status());
    assertArrayEquals(content, served.bytes());
    assertEquals("application/json", served.header("Content-Type"));
    assertEquals('"' + Sha256.of(content).hex() + '"', served.header("ETag"));
  }

  @Test
  void pathsAtTheLimitAndWithPercentEncodedUnicodeArePublishable() throws Exception {
    String longest = "x".repeat(1024);
    assertEquals(200, put(longest, bytes("a")).status());
    assertEquals(200, get("/" + longest).status());

    // "p2/ünïcode/x.json", percent-encoded as UTF-8
    Response r = put("p2/%C3%BCn%C3%AFcode/x.json", bytes("b"));
    assertEquals(200, r.status(), r.body());
    assertEquals("p2/ünïcode/x.json", r.json().path("entries").path(0).path("path").asText());
    Response served = get("/p2/%C3%BCn%C3%AFcode/x.json");
    assertEquals(200, served.status());
    assertEquals("b", served.body());
  }

  // ---------------------------------------------------------------- (b) hostile paths

  static Stream<Arguments> invalidPublishPaths() {
    return Stream.of(
        Arguments.of("../x", "must not contain '.' or '..' segments"),
        Arguments.of("a/../../x", "must not contain '.' or '..' segments"),
        Arguments.of("a/./b", "must not contain '.' or '..' segments"),
        Arguments.of("%2e%2e/x", "must not contain '.' or '..' segments"),
        Arguments.of("%2E%2E/%2E%2E/x", "must not contain '.' or '..' segments"),
        Arguments.of("a/%2e/b", "must not contain '.' or '..' segments"),
        Arguments.of(".hidden", "path segments must not start with '.'"),
        Arguments.of("a/.git/config", "path segments must not start with '.'"),
        Arguments.of("%2ehidden", "path segments must not start with '.'"),
        Arguments.of("a//b", "must not contain an empty segment"),
        Arguments.of("a/", "must not contain an empty segment"),
        Arguments.of("a%2Fb", "must not contain encoded separators"),
        Arguments.of("a%2fb", "must not contain encoded separators"),
        Arguments.of("..%2F..%2Fx", "must not contain encoded separators"),
        Arguments.of("a%5Cb", "must not contain encoded separators"),
        Arguments.of("a%5cb", "must not contain encoded separators"),
        Arguments.of("a;b.json", "must not contain a raw ';'"),
        Arguments.of("seed.json;v=1", "must not contain a raw ';'"),
        Arguments.of("a%00b", "must not contain NUL"),
        Arguments.of("x.json%00.txt", "must not contain NUL"),
        Arguments.of("a%01b", "must not contain control characters"),
        Arguments.of("a%7Fb", "must not contain control characters"),
        Arguments.of("a%C2%85b", "must not contain control characters"),
        Arguments.of("/etc/passwd", "must be relative (no leading '/')"),
        Arguments.of("", "path is empty"),
        Arguments.of("x".repeat(1025), "path is longer than 1024 bytes: 1025 bytes"),
        Arguments.of("%C3%BC".repeat(513), "path is longer than 1024 bytes: 1026 bytes"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidPublishPaths")
  void putOfAnInvalidPathIs400NamingTheRule(String path, String rule) throws Exception {
    seedOneFile();
    // Raw HTTP, because HttpClient itself refuses a backslash in a URI.
    Response r =
        raw("PUT", FILES + path, Map.of("Authorization", "Bearer " + TOKEN), bytes("evil"));
    assertEquals(400, r.status(), r.body());
    assertEquals("application/json", r.header("Content-Type"));
    assertTrue(r.error().contains(rule), "error should name '" + rule + "': " + r.error());
    assertNothingChanged(1);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidPublishPaths")
  void deleteOfAnInvalidPathIs400NamingTheRule(String path, String rule) throws Exception {
    seedOneFile();
    Response r = raw("DELETE", FILES + path, Map.of("Authorization", "Bearer " + TOKEN), null);
    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().contains(rule), "error should name '" + rule + "': " + r.error());
    assertNothingChanged(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\\b", "..\\..\\x", "p2\\acme.json"})
  void rawBackslashIsRefusedWith400BeforeReachingTheApi(String path) throws Exception {
    seedOneFile();
    // Undertow's request parser refuses a raw backslash in the request target with a bare 400, so
    // the path rules never see it; what matters is that it is refused and changes nothing.
    Response r =
        raw("PUT", FILES + path, Map.of("Authorization", "Bearer " + TOKEN), bytes("evil"));
    assertEquals(400, r.status(), r.body());
    assertNothingChanged(1);
    assertEquals(
        400,
        raw("DELETE", FILES + path, Map.of("Authorization", "Bearer " + TOKEN), null).status());
    assertNothingChanged(1);
  }

  @Test
  void semicolonIsNeverCutOffAsAPathParameter() throws Exception {
    seedOneFile();
    // Undertow would read ";v=1" as a path parameter and hand over "seed.json" alone: the GET
    // would serve, and the PUT overwrite, a file the client did not name.
    Response get = raw("GET", "/seed.json;v=1", Map.of(), null);
    assertEquals(400, get.status(), get.body());
    assertEquals("path must not contain a raw ';' (send it as %3B)", get.error());

    Response put = put("c%3Bd.json", bytes("semi"));
    assertEquals(200, put.status(), put.body());
    assertEquals("c;d.json", put.json().path("entries").path(0).path("path").asText());
    assertEquals("semi", get("/c%3Bd.json").body());
    assertEquals(400, raw("GET", "/c;d.json", Map.of(), null).status());
  }

  @Test
  void putWithoutAnyPathIs400() throws Exception {
    Response r =
        raw(
            "PUT",
            "/.metamirror/api/files",
            Map.of("Authorization", "Bearer " + TOKEN),
            bytes("evil"));
    assertEquals(400, r.status(), r.body());
    assertEquals("path is empty", r.error());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "//etc/passwd",
        "/.metamirror/../x",
        "/.metamirror/../metamirror-origin.json",
        "/.metamirror/blobs/../../metamirror-origin.json",
        "/.metamirror/blobs/%2e%2e/%2e%2e/metamirror-origin.json",
        "/.metamirror/blobs/.staging",
        "/metamirror-origin.json",
        "/.lock",
        "/blobs/.staging/x",
        "/journal/00000000000000000001.log",
        "/tree.checkpoint",
        "/x.json%00",
        "/x.json%00.txt",
        "/x.json/",
        "/x.json/.",
        // Directory targets (a trailing slash asks for the directory's index.html)
        "/simple/../",
        "/simple/..%2f",
        "/%2e%2e/",
        "/simple/%2e%2e/",
        "/simple//",
        "///",
        "/./",
        "/%2e/",
        "/.metamirror/../",
        "/journal/",
        "/blobs/",
        "/blobs/.staging/",
        "/x.json/%2e%2e/"
      })
  void getOfAHostilePathIsNeither200Nor500(String target) throws Exception {
    seedOneFile();
    String epoch = repository.epoch().value();
    for (String method : List.of("GET", "HEAD")) {
      Response r = raw(method, target, Map.of(), null);
      assertNotEquals(200, r.status(), method + " " + target + " -> " + r.body());
      assertTrue(
          r.status() == 400 || r.status() == 404,
          method + " " + target + " should be 400 or 404 but was " + r.status() + " " + r.body());
      assertFalse(r.body().contains("root:"), "no /etc/passwd in the body");
      assertFalse(r.body().contains(epoch), "no data directory file in the body");
    }
  }

  // ---------------------------------------------------------------- (c) content hashes

  @Test
  void putWhoseBodyDiffersFromItsAnnouncedSha256Is422AndJournalsNothing() throws Exception {
    seedOneFile();
    byte[] content = bytes("{\"tampered\":true}");
    String announced = Sha256.of(bytes("{\"original\":true}")).hex();
    Response r =
        send(
            "PUT",
            FILES + "x.json",
            Map.of("Authorization", "Bearer " + TOKEN, "X-Metamirror-Sha256", announced),
            content);
    assertEquals(422, r.status(), r.body());
    assertEquals(
        "content sha256 is " + Sha256.of(content).hex() + " but " + announced + " was announced",
        r.error());

    JsonNode feed = feed(1);
    assertEquals(1, feed.path("head").asLong());
    assertEquals(0, feed.path("entries").size());
    assertEquals(404, get("/x.json").status());
    assertEquals(404, get("/.metamirror/blobs/" + Sha256.of(content).hex()).status());
    assertNothingChanged(1);
  }

  @Test
  void putWhoseBodyMatchesItsAnnouncedSha256IsPublished() throws Exception {
    byte[] content = bytes("{\"ok\":true}");
    Response r =
        send(
            "PUT",
            FILES + "x.json",
            Map.of(
                "Authorization",
                "Bearer " + TOKEN,
                "X-Metamirror-Sha256",
                Sha256.of(content).hex()),
            content);
    assertEquals(200, r.status(), r.body());
    assertEquals(200, get("/x.json").status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-a-digest",
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
      })
  void putWithAMalformedSha256HeaderIs400(String header) throws Exception {
    seedOneFile();
    Response r =
        send(
            "PUT",
            FILES + "x.json",
            Map.of("Authorization", "Bearer " + TOKEN, "X-Metamirror-Sha256", header),
            bytes("{}"));
    assertEquals(400, r.status(), r.body());
    assertTrue(
        r.error().startsWith("X-Metamirror-Sha256: sha256 must be 64 lowercase hex digits"),
        r.error());
    assertEquals(404, get("/x.json").status());
    assertNothingChanged(1);
  }

  // ---------------------------------------------------------------- (d) batches

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"changes\":[{\"op\":\"put\",\"path\":\"a.json\",\"content\":\"eA==\"}",
        "{\"changes\":[{\"op\":\"put\",\"path\":\"a.json\",\"content\":\"eA==\"},]}",
        "{changes:[]}",
        "not json at all",
        "{\"changes\":[{\"op\":\"put\" \"path\":\"a.json\"}]}"
      })
  void batchWithMalformedJsonIs400WithProblems(String body) throws Exception {
    seedOneFile();
    Response r = batch(body);
    assertEquals(400, r.status(), r.body());
    assertEquals("invalid batch", r.error());
    JsonNode problems = r.json().path("problems");
    assertTrue(problems.isArray() && problems.size() >= 1, r.body());
    assertEquals(404, get("/a.json").status());
    assertNothingChanged(1);
  }

  @Test
  void batchCutOffInsideJsonNamesWhereItBroke() throws Exception {
    Response r = batch("{\"changes\":[{\"op\":\"put\",\"path\":\"a.json\",\"content\":\"eA==\"}");
    assertEquals(400, r.status(), r.body());
    assertTrue(
        r.json().path("problems").path(0).asText().startsWith("malformed JSON at line 1, column"),
        r.body());
    assertNothingChanged(0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "{}",
        "{\"changes\":[]}",
        "{\"changes\":{}}",
        "{\"changes\":[], \"extra\":1}",
        "{\"changes\":[1]}"
      })
  void batchOfTheWrongShapeIs400(String body) throws Exception {
    seedOneFile();
    Response r = batch(body);
    assertEquals(400, r.status(), r.body());
    assertTrue(r.json().path("problems").size() >= 1, r.body());
    assertNothingChanged(1);
  }

  @Test
  void batchWithSeveralBadChangesListsOneProblemForEachByIndex() throws Exception {
    seedOneFile();
    String body =
        "{\"changes\":["
            + "{\"op\":\"put\",\"path\":\"good.json\",\"content\":\"eA==\"},"
            + "{\"op\":\"put\",\"path\":\"../evil\",\"content\":\"eA==\"},"
            + "{\"op\":\"move\",\"path\":\"b.json\"},"
            + "{\"op\":\"put\",\"path\":\"c.json\"},"
            + "{\"op\":\"put\",\"path\":\"good.json\",\"content\":\"eQ==\"},"
            + "{\"op\":\"put\",\"path\":\"e.json\",\"content\":\"!!not base64!!\"},"
            + "{\"op\":\"delete\",\"path\":\"seed.json\",\"content\":\"eA==\"},"
            + "{\"op\":\"put\",\"path\":\"f.json\",\"content\":\"eA==\",\"sha256\":\"XYZ\"},"
            + "{\"op\":\"put\",\"path\":\"g.json\",\"content\":\"eA==\",\"mode\":\"0644\"},"
            + "{\"op\":\"put\",\"path\":\"h.json\",\"content\":\"eA==\"}"
            + "]}";
    Response r = batch(body);
    assertEquals(400, r.status(), r.body());
    assertEquals("invalid batch", r.error());

    List<String> problems = new ArrayList<>();
    r.json().path("problems").forEach(p -> problems.add(p.asText()));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("changes[1].path: ", "must not contain '.' or '..' segments");
    expected.put("changes[2].op: ", "must be \"put\" or \"delete\", not \"move\"");
    expected.put("changes[3].content: ", "a put needs content");
    expected.put("changes[4].path: ", "good.json appears more than once in the batch");
    expected.put("changes[5].content: ", "not valid base64");
    expected.put("changes[6]: ", "a delete takes no content and no sha256");
    expected.put("changes[7].sha256: ", "sha256 must be 64 lowercase hex digits");
    expected.put("changes[8]: ", "unknown field \"mode\"");
    assertEquals(expected.size(), problems.size(), "one problem per bad change: " + problems);
    int i = 0;
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String problem = problems.get(i++);
      assertTrue(problem.startsWith(e.getKey()), problem + " should start with " + e.getKey());
      assertTrue(problem.contains(e.getValue()), problem + " should contain " + e.getValue());
    }
    for (String problem : problems) {
      assertFalse(problem.startsWith("changes[0]"), "the good change has no problem: " + problem);
      assertFalse(problem.startsWith("changes[9]"), "the good change has no problem: " + problem);
    }

    assertEquals(404, get("/good.json").status());
    assertEquals(404, get("/h.json").status());
    assertEquals(200, get("/seed.json").status());
    assertNothingChanged(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"!!!!", "eA", "eA=", "e A==", "eA==!", "\\u00e9A=="})
  void batchWithInvalidBase64ContentIs400NamingTheChange(String content) throws Exception {
    seedOneFile();
    String body =
        "{\"changes\":[{\"op\":\"put\",\"path\":\"a.json\",\"content\":\"eA==\"},"
            + "{\"op\":\"put\",\"path\":\"b.json\",\"content\":\""
            + content
            + "\"},{\"op\":\"put\",\"path\":\"c.json\",\"content\":\"eA==\"}]}";
    Response r = batch(body);
    assertEquals(400, r.status(), r.body());
    // The first problem names the change. When the bad character is the closing quote ("eA="),
    // Jackson has consumed it, and a follow-on "malformed JSON" problem may come after.
    JsonNode problems = r.json().path("problems");
    assertTrue(
        problems.path(0).asText().startsWith("changes[1].content: not valid base64"), r.body());
    for (JsonNode p : problems) {
      assertFalse(
          p.asText().startsWith("changes[0]") || p.asText().startsWith("changes[2]"), r.body());
    }
    assertEquals(404, get("/a.json").status());
    assertNothingChanged(1);
  }

  @Test
  void batchWithAContentHashMismatchIs422AndPublishesNoneOfIt() throws Exception {
    seedOneFile();
    String wrong = Sha256.of(bytes("something else")).hex();
    String body =
        "{\"changes\":["
            + "{\"op\":\"put\",\"path\":\"p2/acme/widget.json\",\"content\":\""
            + b64("{\"v\":1}")
            + "\"},"
            + "{\"op\":\"put\",\"path\":\"packages.json\",\"content\":\""
            + b64("{\"packages\":{}}")
            + "\",\"sha256\":\""
            + wrong
            + "\"},"
            + "{\"op\":\"delete\",\"path\":\"seed.json\"}"
            + "]}";
    Response r = batch(body);
    assertEquals(422, r.status(), r.body());
    assertEquals("content does not match its sha256", r.error());
    JsonNode problems = r.json().path("problems");
    assertEquals(1, problems.size(), r.body());
    assertEquals(
        "changes[1]: content sha256 is "
            + Sha256.of(bytes("{\"packages\":{}}")).hex()
            + " but "
            + wrong
            + " was announced",
        problems.path(0).asText());

    assertEquals(404, get("/p2/acme/widget.json").status());
    assertEquals(404, get("/packages.json").status());
    assertEquals(200, get("/seed.json").status());
    assertNothingChanged(1);
  }

  @Test
  void validBatchAfterRejectedOnesIsPublishedWhole() throws Exception {
    seedOneFile();
    assertEquals(400, batch("{\"changes\":[{\"op\":\"put\"}]}").status());
    String body =
        "{\"changes\":["
            + "{\"op\":\"delete\",\"path\":\"seed.json\"},"
            + "{\"op\":\"put\",\"path\":\"packages.json\",\"content\":\""
            + b64("{}")
            + "\",\"sha256\":\""
            + Sha256.of(bytes("{}")).hex()
            + "\"}"
            + "]}";
    Response r = batch(body);
    assertEquals(200, r.status(), r.body());
    JsonNode entries = feed(1).path("entries");
    assertEquals(2, entries.size());
    assertEquals("put", entries.path(0).path("op").asText(), "deletes go last");
    assertEquals("packages.json", entries.path(0).path("path").asText());
    assertEquals("delete", entries.path(1).path("op").asText());
    assertEquals(3, health().path("head").asLong());
  }

  // ---------------------------------------------------------------- (e) methods

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
  void writingMethodOnAContentPathIs405WithAllow(String method) throws Exception {
    seedOneFile();
    Response r = send(method, "/seed.json", null, bytes("x"));
    assertEquals(405, r.status(), r.body());
    assertEquals("GET, HEAD", r.header("Allow"));
    assertEquals(200, get("/seed.json").status());
    assertEquals("seed", get("/seed.json").body());
  }

  @Test
  void postOfANewContentPathIs405AndCreatesNothing() throws Exception {
    Response r = send("POST", "/x.json", null, bytes("{}"));
    assertEquals(405, r.status());
    assertEquals("GET, HEAD", r.header("Allow"));
    assertEquals(404, get("/x.json").status());
    assertNothingChanged(0);
  }

  @Test
  void wrongMethodsOnTheApiAre405WithTheirAllow() throws Exception {
    Map<String, String> auth = Map.of("Authorization", "Bearer " + TOKEN);
    Response files = send("POST", FILES + "x.json", auth, bytes("{}"));
    assertEquals(405, files.status());
    assertEquals("PUT, DELETE", files.header("Allow"));
    Response batch = send("PUT", BATCH, auth, bytes("{}"));
    assertEquals(405, batch.status());
    assertEquals("POST", batch.header("Allow"));
    assertNothingChanged(0);
  }

  // ---------------------------------------------------------------- (f) deletes

  @Test
  void deleteOfAMissingFileIs404AndJournalsNothing() throws Exception {
    seedOneFile();
    Response r =
        send("DELETE", FILES + "missing.json", Map.of("Authorization", "Bearer " + TOKEN), null);
    assertEquals(404, r.status(), r.body());
    assertEquals("not found: missing.json", r.error());
    assertNothingChanged(1);
  }

  @Test
  void deleteOfAnExistingFileRemovesItAndJournalsADelete() throws Exception {
    seedOneFile();
    Response r =
        send("DELETE", FILES + "seed.json", Map.of("Authorization", "Bearer " + TOKEN), null);
    assertEquals(200, r.status(), r.body());
    assertEquals(2, r.json().path("head").asLong());
    assertEquals(404, get("/seed.json").status());

    JsonNode entries = feed(1).path("entries");
    assertEquals(1, entries.size());
    JsonNode delete = entries.path(0);
    assertEquals(2, delete.path("seq").asLong());
    assertEquals("delete", delete.path("op").asText());
    assertEquals("seed.json", delete.path("path").asText());
    assertTrue(delete.path("sha256").isMissingNode(), "a delete carries no sha256");

    Response again =
        send("DELETE", FILES + "seed.json", Map.of("Authorization", "Bearer " + TOKEN), null);
    assertEquals(404, again.status(), "deleting twice is a 404, not a second entry");
    assertEquals(2, health().path("head").asLong());
  }

  // ---------------------------------------------------------------- helpers

  /** Publishes {@code seed.json} so that a later refusal can show the head did not move. */
  private void seedOneFile() throws Exception {
    Response r = put("seed.json", bytes("seed"));
    assertEquals(200, r.status(), r.body());
    assertEquals(1, health().path("head").asLong());
  }

  /** The head is still {@code head}, the feed has nothing after it, and staging is empty. */
  private void assertNothingChanged(long head) throws Exception {
    assertEquals(head, health().path("head").asLong(), "head moved");
    JsonNode feed = feed(head);
    assertEquals(head, feed.path("head").asLong());
    assertEquals(0, feed.path("entries").size(), "entries after " + head + ": " + feed);
    Path staging = dataDir.resolve("blobs").resolve(".staging");
    try (Stream<Path> left = Files.list(staging)) {
      assertEquals(List.of(), left.toList(), "staged content left behind");
    }
  }

  private JsonNode health() throws Exception {
    Response r = get("/.metamirror/health");
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private JsonNode feed(long since) throws Exception {
    Response r = get("/.metamirror/feed?since=" + since);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private Response put(String path, byte[] content) throws Exception {
    return send("PUT", FILES + path, Map.of("Authorization", "Bearer " + TOKEN), content);
  }

  private Response batch(String body) throws Exception {
    return send("POST", BATCH, Map.of("Authorization", "Bearer " + TOKEN), bytes(body));
  }

  private Response get(String target) throws Exception {
    return send("GET", target, null, null);
  }

  /** A request through the JDK's client, for targets it accepts. */
  private Response send(String method, String target, Map<String, String> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers != null) {
      headers.forEach(request::header);
    }
    HttpResponse<byte[]> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, String> out = new LinkedHashMap<>();
    response
        .headers()
        .map()
        .forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
    return new Response(response.statusCode(), out, response.body());
  }

  /**
   * A request written byte for byte on a socket, so that the target reaches the server exactly as
   * given (the JDK's client refuses backslashes, NUL and spaces, and may tidy a URI).
   */
  private Response raw(String method, String target, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return parse(socket.getInputStream(), method.equals("HEAD"));
    }
  }

  private static Response parse(InputStream in, boolean headRequest) throws IOException {
    byte[] all = in.readAllBytes();
    int end = indexOf(all, bytes("\r\n\r\n"), 0);
    if (end < 0) {
      throw new IOException("no complete response: " + new String(all, StandardCharsets.UTF_8));
    }
    String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.merge(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if (headRequest) {
      rest = new byte[0];
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      rest = dechunk(rest);
    }
    return new Response(status, headers, rest);
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (true) {
      int eol = indexOf(chunked, bytes("\r\n"), pos);
      int size =
          Integer.parseInt(
              new String(chunked, pos, eol - pos, StandardCharsets.US_ASCII).split(";")[0].trim(),
              16);
      if (size == 0) {
        return out.toByteArray();
      }
      out.write(chunked, eol + 2, size);
      pos = eol + 2 + size + 2;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(bytes(s));
  }

  private record Response(int status, Map<String, String> headers, byte[] bytes) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    JsonNode json() throws IOException {
      return JSON.readTree(bytes);
    }

    String error() throws IOException {
      return json().path("error").asText();
    }
  }
}
