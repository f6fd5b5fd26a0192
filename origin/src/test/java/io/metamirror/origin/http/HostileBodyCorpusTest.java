package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds the checked-in corpus of hostile publishing bodies ({@code
 * src/test/resources/io/metamirror/origin/http/hostile/*.http}) to a real origin on loopback. Each
 * must be refused with its 4xx and a reason naming what is wrong, and leave the origin as it was:
 * same journal head, no file of its data directory added, removed or changed.
 *
 * <p>A corpus file is a request: a line {@code METHOD /path}, header lines, the test's own {@code
 * #status N} and {@code #reason TEXT} lines, a blank line, then the body byte for byte. In the body
 * {@code {{N*TEXT}}} stands for TEXT repeated N times, so that 3,000-deep nesting or a 64 MiB body
 * need not be checked in as such.
 *
 * <p>Timing is measured, not asserted: each request has a 5 s hang guard and the slowest answer is
 * printed ({@code event=hostile_corpus}) for the record.
 */
class HostileBodyCorpusTest {
  private static final String CORPUS = "hostile";
  private static final Duration HANG_GUARD = Duration.ofSeconds(5);
  private static final Pattern REPEAT = Pattern.compile("\\{\\{(\\d+)\\*(.+?)}}");
  private static final String COMPOSER_API = ".metamirror/api/composer/packages";
  private static final Map<String, Long> MILLIS = new ConcurrentSkipListMap<>();

  @TempDir static Path data;
  static TestOrigin origin;
  static OriginClient client;

  @BeforeAll
  static void startAnOriginHoldingOnePackage() throws Exception {
    origin = TestOrigin.start(data);
    client = new OriginClient(origin.port(), TestOrigin.TOKEN);
    HttpResponse<String> seeded =
        client.post(COMPOSER_API, ComposerHttpTest.doc("acme/seed", "1.0.0"));
    assertEquals(200, seeded.statusCode(), seeded.body());
  }

  @AfterAll
  static void stopAndReport() throws IOException {
    origin.close();
    long slowest = MILLIS.values().stream().mapToLong(Long::longValue).max().orElse(0);
    String slowestCase =
        MILLIS.entrySet().stream()
            .filter(e -> e.getValue() == slowest)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse("-");
    System.out.printf(
        "event=hostile_corpus cases=%d slowest_ms=%d slowest_case=%s all_ms=%s%n",
        MILLIS.size(), slowest, slowestCase, MILLIS);
  }

  static Stream<String> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(HostileBodyCorpusTest.class.getResource(CORPUS).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".http")).toList();
      assertTrue(names.size() >= 40, "the corpus has " + names.size() + " cases");
      return names.stream().sorted();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithItsStatusAndReasonAndChangesNothing(String name) throws Exception {
    CorpusRequest corpusRequest = CorpusRequest.read(name);
    long head = origin.head();
    Map<String, Long> before = files(data);

    long t0 = System.nanoTime();
    HttpResponse<String> response =
        client.http.send(corpusRequest.build(client), HttpResponse.BodyHandlers.ofString());
    MILLIS.put(name, (System.nanoTime() - t0) / 1_000_000);

    assertEquals(corpusRequest.status(), response.statusCode(), response.body());
    JsonNode answer = OriginClient.JSON.readTree(response.body());
    List<String> lines = new ArrayList<>(List.of(answer.path("error").asText()));
    answer.path("problems").forEach(p -> lines.add(p.asText()));
    assertTrue(
        lines.stream().anyMatch(line -> line.contains(corpusRequest.reason())), response.body());
    assertTrue(lines.stream().noneMatch(line -> line.contains("\n")), response.body());
    // The parser's own words name its classes and settings, which mean nothing to a publisher.
    assertTrue(
        lines.stream().noneMatch(line -> line.contains("StreamReadConstraints")), response.body());
    assertEquals(head, origin.head(), "the journal head moved");
    assertEquals(before, files(data), "the data directory changed");
  }

  @Test
  void aNormalPublishCompletesWhileAHundredThousandCharacterVersionIsInFlight() throws Exception {
    String version = "1".repeat(100_000);
    byte[] hostile =
        ("[{\"name\":\"acme/slow\",\"version\":\"" + version + "\"}]")
            .getBytes(StandardCharsets.UTF_8);
    HeldBackBody body = new HeldBackBody(hostile);
    long head = origin.head();

    CompletableFuture<HttpResponse<String>> refused =
        client.http.sendAsync(
            composerPost(HttpRequest.BodyPublishers.ofInputStream(() -> body)),
            HttpResponse.BodyHandlers.ofString());
    body.firstHalfSent.await();

    HttpResponse<String> normal = publish("acme/normal", "1.0.0");
    assertEquals(200, normal.statusCode(), normal.body());
    assertFalse(refused.isDone(), "the hostile publish is still in flight: " + refused);

    body.sendTheRest.countDown();
    body.allSent.await();
    // The whole hostile body has left: a server that checked versions under its publish lock, in
    // quadratic time, would make this one wait (minutes) behind it; the hang guard would fail it.
    HttpResponse<String> another = publish("acme/normal", "1.1.0");
    assertEquals(200, another.statusCode(), another.body());
    HttpResponse<String> answer = refused.get();
    assertEquals(400, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("a version of 100000 characters"), answer.body());
    assertEquals(List.of("acme/normal", "acme/seed"), origin.composer().packageNames());
    assertTrue(origin.head() > head, "the normal publishes were journaled");
  }

  @Test
  void aBatchFileOfSixMebibytesIsPublishedThoughItsBase64IsLongerThanTheStringLimit()
      throws Exception {
    String big = "x".repeat(6 << 20);
    HttpResponse<String> published = client.batch(Map.of("big/file.bin", big), List.of());
    assertEquals(200, published.statusCode(), published.body());
    assertEquals(big.length(), origin.tree().get("big/file.bin").length);
  }

  private static HttpResponse<String> publish(String name, String version) throws Exception {
    return client.http.send(
        composerPost(HttpRequest.BodyPublishers.ofString(ComposerHttpTest.doc(name, version))),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest composerPost(HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(client.base.resolve(COMPOSER_API))
        .timeout(HANG_GUARD)
        .header("Authorization", "Bearer " + TestOrigin.TOKEN)
        .header("Content-Type", "application/json")
        .POST(body)
        .build();
  }

  /** Every regular file below {@code dir} with its size and modification time. */
  private static Map<String, Long> files(Path dir) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(p.toString() + " size", Files.size(p));
        out.put(p.toString() + " mtime", Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }

  /**
   * A body that stops halfway until the test lets the rest through, and says when the client has
   * taken all of it.
   */
  private static final class HeldBackBody extends InputStream {
    final CountDownLatch firstHalfSent = new CountDownLatch(1);
    final CountDownLatch sendTheRest = new CountDownLatch(1);
    final CountDownLatch allSent = new CountDownLatch(1);
    private final byte[] bytes;
    private final int half;
    private int next;

    HeldBackBody(byte[] bytes) {
      this.bytes = bytes;
      this.half = bytes.length / 2;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int off, int len) {
      if (next == half) {
        firstHalfSent.countDown();
        try {
          sendTheRest.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UncheckedIOException(new IOException("interrupted", e));
        }
      }
      if (next == bytes.length) {
        allSent.countDown();
        return -1;
      }
      int end = next < half ? half : bytes.length;
      int n = Math.min(len, end - next);
      System.arraycopy(bytes, next, into, off, n);
      next += n;
      return n;
    }
  }

  /** One corpus file: the request to send and the refusal it must get. */
  private record CorpusRequest(
      String method, String path, List<String[]> headers, byte[] body, int status, String reason) {

    static CorpusRequest read(String name) throws IOException {
      byte[] file;
      try (InputStream in = HostileBodyCorpusTest.class.getResourceAsStream(CORPUS + "/" + name)) {
        file = in.readAllBytes();
      }
      // ISO-8859-1 maps bytes to chars one to one, so invalid UTF-8 in a body survives.
      String text = new String(file, StandardCharsets.ISO_8859_1);
      int split = text.indexOf("\n\n");
      String[] head = text.substring(0, split).split("\n");
      String[] requestLine = head[0].split(" ", 2);
      List<String[]> headers = new ArrayList<>();
      int status = 0;
      String reason = null;
      for (int i = 1; i < head.length; i++) {
        if (head[i].startsWith("#status ")) {
          status = Integer.parseInt(head[i].substring("#status ".length()));
        } else if (head[i].startsWith("#reason ")) {
          reason = head[i].substring("#reason ".length());
        } else {
          headers.add(head[i].split(": ", 2));
        }
      }
      assertTrue(status >= 400 && status < 500 && reason != null, name + ": #status, #reason");
      return new CorpusRequest(
          requestLine[0],
          requestLine[1].substring(1),
          headers,
          expand(text.substring(split + 2)),
          status,
          reason);
    }

    private static byte[] expand(String body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Matcher m = REPEAT.matcher(body);
      int at = 0;
      while (m.find()) {
        out.writeBytes(body.substring(at, m.start()).getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(
            m.group(2).repeat(Integer.parseInt(m.group(1))).getBytes(StandardCharsets.ISO_8859_1));
        at = m.end();
      }
      out.writeBytes(body.substring(at).getBytes(StandardCharsets.ISO_8859_1));
      return out.toByteArray();
    }

    HttpRequest build(OriginClient client) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(client.base.resolve(path))
              .timeout(HANG_GUARD)
              .header("Authorization", "Bearer " + TestOrigin.TOKEN)
              .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(h -> request.header(h[0], h[1]));
      return request.build();
    }
  }
}
