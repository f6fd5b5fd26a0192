package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a client sees on a local hit, over real HTTPS, on two nodes synced from one origin: the
 * validators are the same on both, so a client (or CDN) moved from one node to the other keeps its
 * cache (DESIGN §5; Composer sends Last-Modified back verbatim as If-Modified-Since).
 */
class LocalHitHeadersTest {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final String WIDGET = "p2/acme/widget.json";

  /** Compressible, but under the gzip threshold ({@code CompressedTypes.MIN_GZIP_BYTES}). */
  private static final String SMALL = "p2/acme/small~dev.json";

  @TempDir static Path dir;
  static TestOrigin origin;
  static MirrorNode a;
  static MirrorNode b;
  static HttpsClient client;
  static Map<String, byte[]> files = new LinkedHashMap<>();
  static long head;

  @BeforeAll
  static void twoNodesSyncedFromOneOrigin() throws Exception {
    files.put("packages.json", utf8("{\"metadata-url\":\"/p2/%package%.json\"}"));
    files.put(WIDGET, TestPackages.metadata("acme/widget", 200));
    files.put(SMALL, utf8("{\"packages\":{\"acme/small\":[" + "{},".repeat(150) + "{}]}}"));
    files.put("index.html", utf8("<!doctype html><title>mirror</title>"));
    files.put("notes/readme.txt", utf8("hello"));
    files.put("LICENSE", utf8("MIT"));
    files.put("dists/stable/Release.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    origin = TestOrigin.start(dir.resolve("origin"));
    head = origin.publish(files);
    TestTls tls = TestTls.create(dir.resolve("tls"));
    a = TestNodes.startCaughtUp(TestNodes.config(origin.uri(), dir.resolve("a"), tls, "a"), head);
    b = TestNodes.startCaughtUp(TestNodes.config(origin.uri(), dir.resolve("b"), tls, "b"), head);
    client = new HttpsClient(tls);
  }

  @AfterAll
  static void stop() throws IOException {
    TestNodes.closeAll(a, b, origin);
  }

  @Test
  void localHitHasStrongEtagOfSha256AndLastModifiedOfJournalTimeSameOnBothNodes() throws Exception {
    HttpResponse<byte[]> fromA = client.get(a, "/" + WIDGET);
    HttpResponse<byte[]> fromB = client.get(b, "/" + WIDGET);

    assertEquals(200, fromA.statusCode());
    assertEquals(HttpClient.Version.HTTP_2, fromA.version(), "TLS with ALPN offers HTTP/2");
    assertArrayEquals(files.get(WIDGET), fromA.body());
    assertEquals('"' + origin.sha256(WIDGET) + '"', header(fromA, "ETag"));
    assertEquals(
        HTTP_DATE.format(Instant.ofEpochMilli(origin.time(WIDGET))),
        header(fromA, "Last-Modified"));
    assertEquals(header(fromA, "ETag"), header(fromB, "ETag"));
    assertEquals(header(fromA, "Last-Modified"), header(fromB, "Last-Modified"));
    assertArrayEquals(fromA.body(), fromB.body());
  }

  /** If-Modified-Since is what Composer sends: the Last-Modified it got, verbatim. */
  @ParameterizedTest(name = "{1} of node {0} sent to node {3} as {2}")
  @CsvSource({"a, ETag, If-None-Match, b", "b, Last-Modified, If-Modified-Since, a"})
  void validatorOfOneNodeSentBackVerbatimIsNotModifiedOnTheOther(
      String first, String validator, String condition, String second) throws Exception {
    HttpResponse<byte[]> full = client.get(node(first), "/" + WIDGET);

    HttpResponse<byte[]> notModified =
        client.get(node(second), "/" + WIDGET, condition, header(full, validator));

    assertNotModifiedWithTheValidatorsOf(full, notModified);
    // RFC 9110 §15.4.5: a 304 carries what a 200 would have said about caching.
    assertEquals(header(full, "Cache-Control"), header(notModified, "Cache-Control"));
    assertEquals("Accept-Encoding", header(notModified, "Vary"));
  }

  @Test
  void ifModifiedSinceBeforeTheJournalTimeGetsTheFile() throws Exception {
    String earlier = HTTP_DATE.format(Instant.ofEpochMilli(origin.time(WIDGET) - 2000));

    HttpResponse<byte[]> r = client.get(a, "/" + WIDGET, "If-Modified-Since", earlier);

    assertEquals(200, r.statusCode());
    assertArrayEquals(files.get(WIDGET), r.body());
  }

  @Test
  void ifNoneMatchWithAnotherEtagGetsTheFileEvenWithAMatchingIfModifiedSince() throws Exception {
    HttpResponse<byte[]> first = client.get(a, "/" + WIDGET);

    HttpResponse<byte[]> r =
        client.get(
            a,
            "/" + WIDGET,
            "If-None-Match",
            "\"0000\"",
            "If-Modified-Since",
            header(first, "Last-Modified"));

    assertEquals(200, r.statusCode(), "If-None-Match wins over If-Modified-Since");
    assertArrayEquals(files.get(WIDGET), r.body());
  }

  @Test
  void gzipAcceptingClientGetsThePrecompressedTwinWithItsOwnEtagSameOnBothNodes() throws Exception {
    HttpResponse<byte[]> identity = client.get(a, "/" + WIDGET);
    HttpResponse<byte[]> fromA = client.get(a, "/" + WIDGET, "Accept-Encoding", "gzip");
    HttpResponse<byte[]> fromB = client.get(b, "/" + WIDGET, "Accept-Encoding", "gzip");

    assertEquals(200, fromA.statusCode());
    assertEquals("gzip", header(fromA, "Content-Encoding"));
    assertEquals("Accept-Encoding", header(fromA, "Vary"));
    assertEquals("Accept-Encoding", header(identity, "Vary"));
    assertNull(header(identity, "Content-Encoding"));
    assertNotNull(header(fromA, "ETag"));
    assertNotEquals(header(identity, "ETag"), header(fromA, "ETag"));
    assertEquals(header(fromA, "ETag"), header(fromB, "ETag"));
    assertArrayEquals(fromA.body(), fromB.body(), "a strong ETag names identical bytes");
    assertEquals(header(identity, "Last-Modified"), header(fromA, "Last-Modified"));
    assertEquals("application/json", header(fromA, "Content-Type"));
    assertArrayEquals(files.get(WIDGET), gunzip(fromA.body()));
  }

  @Test
  void aFileUnderTheGzipThresholdIsServedAsItIsByNodesAndOriginWithOrWithoutAcceptEncoding()
      throws Exception {
    String etag = '"' + origin.sha256(SMALL) + '"';
    for (String encoding : new String[] {"gzip", "identity", "gzip, br"}) {
      for (MirrorNode node : new MirrorNode[] {a, b}) {
        HttpResponse<byte[]> r = client.get(node, "/" + SMALL, "Accept-Encoding", encoding);
        assertEquals(200, r.statusCode());
        assertEquals("local", header(r, "X-Metamirror-Source"));
        assertNull(header(r, "Content-Encoding"), encoding);
        assertNull(header(r, "Vary"), "one representation only");
        assertEquals(etag, header(r, "ETag"));
        assertArrayEquals(files.get(SMALL), r.body());
      }
      HttpResponse<byte[]> fromOrigin =
          HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(origin.uri().resolve("/" + SMALL))
                      .header("Accept-Encoding", encoding)
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertNull(header(fromOrigin, "Content-Encoding"), "origin, " + encoding);
      assertEquals(etag, header(fromOrigin, "ETag"), "the same representation as on nodes");
      assertArrayEquals(files.get(SMALL), fromOrigin.body());
    }
  }

  @Test
  void packagesJsonIsGzippedHoweverSmallBecauseComposersMirrorScriptRequiresIt() throws Exception {
    HttpResponse<byte[]> r = client.get(a, "/packages.json", "Accept-Encoding", "gzip");
    assertEquals("gzip", header(r, "Content-Encoding"));
    assertArrayEquals(files.get("packages.json"), gunzip(r.body()));
  }

  @Test
  void gzipEtagFromOneNodeIsNotModifiedOnTheOtherForAGzipClient() throws Exception {
    HttpResponse<byte[]> fromA = client.get(a, "/" + WIDGET, "Accept-Encoding", "gzip");

    HttpResponse<byte[]> fromB =
        client.get(
            b, "/" + WIDGET, "Accept-Encoding", "gzip", "If-None-Match", header(fromA, "ETag"));

    assertEquals(304, fromB.statusCode());
    assertEquals(header(fromA, "ETag"), header(fromB, "ETag"));
  }

  @Test
  void gzipRefusedWithQZeroGetsIdentity() throws Exception {
    HttpResponse<byte[]> r = client.get(a, "/" + WIDGET, "Accept-Encoding", "gzip;q=0");

    assertNull(header(r, "Content-Encoding"));
    assertArrayEquals(files.get(WIDGET), r.body());
  }

  @Test
  void alreadyCompressedFileIsServedAsItIsWithoutContentEncoding() throws Exception {
    HttpResponse<byte[]> r = client.get(a, "/dists/stable/Release.gz", "Accept-Encoding", "gzip");

    assertEquals(200, r.statusCode());
    assertNull(header(r, "Content-Encoding"));
    assertEquals("application/gzip", header(r, "Content-Type"));
    assertArrayEquals(files.get("dists/stable/Release.gz"), r.body());
  }

  @Test
  void contentTypeFollowsTheExtension() throws Exception {
    assertEquals("application/json", header(client.get(a, "/packages.json"), "Content-Type"));
    assertEquals("text/html; charset=utf-8", header(client.get(a, "/index.html"), "Content-Type"));
    assertEquals(
        "text/plain; charset=utf-8", header(client.get(a, "/notes/readme.txt"), "Content-Type"));
    assertEquals("application/octet-stream", header(client.get(a, "/LICENSE"), "Content-Type"));
  }

  @Test
  void cacheControlFollowsTheDefaultPolicy() throws Exception {
    assertEquals("public, max-age=60", header(client.get(a, "/packages.json"), "Cache-Control"));
    assertEquals("public, max-age=60", header(client.get(a, "/index.html"), "Cache-Control"));
    assertEquals("public, max-age=300", header(client.get(a, "/" + WIDGET), "Cache-Control"));
    assertEquals("public, max-age=300", header(client.get(a, "/LICENSE"), "Cache-Control"));
  }

  @Test
  void localHitSaysItsSourceAndTheNodesSeq() throws Exception {
    HttpResponse<byte[]> r = client.get(a, "/packages.json");

    assertEquals("local", header(r, "X-Metamirror-Source"));
    assertEquals(Long.toString(head), header(r, "X-Metamirror-Seq"));
  }

  @Test
  void headGivesTheHeadersOfGetAndNoBody() throws Exception {
    HttpResponse<byte[]> get = client.get(a, "/" + WIDGET);

    HttpResponse<byte[]> head = client.send(a, "HEAD", "/" + WIDGET);

    assertEquals(200, head.statusCode());
    assertEquals(0, head.body().length);
    assertEquals(Integer.toString(files.get(WIDGET).length), header(head, "Content-Length"));
    for (String name :
        new String[] {
          "ETag", "Last-Modified", "Content-Type", "Cache-Control", "X-Metamirror-Source"
        }) {
      assertEquals(header(get, name), header(head, name), name);
    }
  }

  @Test
  void postIsRefusedWith405AndTheAllowedMethods() throws Exception {
    HttpResponse<byte[]> r = client.send(a, "POST", "/" + WIDGET);

    assertEquals(405, r.statusCode());
    assertEquals("GET, HEAD", header(r, "Allow"));
  }

  @Test
  void putAndDeleteAreRefusedWith405() throws Exception {
    assertEquals(405, client.send(a, "PUT", "/" + WIDGET).statusCode());
    assertEquals(405, client.send(a, "DELETE", "/" + WIDGET).statusCode());
    assertEquals(200, client.get(a, "/" + WIDGET).statusCode(), "the file is still there");
  }

  @Test
  void unknownMethodIs501() throws Exception {
    HttpResponse<byte[]> r = client.send(a, "BREW", "/" + WIDGET);

    assertEquals(501, r.statusCode());
  }

  private static MirrorNode node(String name) {
    return switch (name) {
      case "a" -> a;
      case "b" -> b;
      default -> throw new IllegalArgumentException("no node " + name);
    };
  }

  /** An empty 304 that carries the validators the full answer (from the other node) had. */
  private static void assertNotModifiedWithTheValidatorsOf(
      HttpResponse<byte[]> full, HttpResponse<byte[]> notModified) {
    assertEquals(304, notModified.statusCode());
    assertEquals(0, notModified.body().length);
    assertEquals(header(full, "ETag"), header(notModified, "ETag"));
    assertEquals(header(full, "Last-Modified"), header(notModified, "Last-Modified"));
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
