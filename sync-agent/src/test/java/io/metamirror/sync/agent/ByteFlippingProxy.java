package io.metamirror.sync.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.metamirror.protocol.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A test seam for faults a real origin cannot produce: an HTTP proxy on a loopback port that passes
 * every request to the origin and its answer back (status, headers, body; feed long-polls too), but
 * flips one byte in the answers it is told to damage. What to damage can change while it runs. It
 * remembers the paths it was asked for, so that a test can count what the agent fetched.
 *
 * <ul>
 *   <li>{@link #corruptBlob}: the body of {@code /.metamirror/blobs/<sha256>}, in the middle, and
 *       that blob's content wherever a feed page carries it inline; {@link #corruptInline}: the
 *       inline copies only.
 *   <li>{@link #rewriteFeedEntries}: every entry of every feed page, as a hostile origin might send
 *       them.
 *   <li>{@link #corruptSnapshotWireByte}: one byte of the gzip stream of {@code
 *       /.metamirror/snapshot}, at a position chosen from its length.
 *   <li>{@link #corruptSnapshotInside}: text inside the snapshot (a file's content, the manifest),
 *       then gzipped again, either with a correct gzip trailer (so that only a file's sha256 can
 *       tell) or with the original trailer (what a byte damaged on the wire looks like once
 *       inflated, if the deflate stream still decodes).
 * </ul>
 */
final class ByteFlippingProxy implements AutoCloseable {
  private static final String BLOBS = "/.metamirror/blobs/";
  private static final String SNAPSHOT = "/.metamirror/snapshot";
  private static final String FEED = "/.metamirror/feed";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Headers the JDK's client sets itself and refuses to be given. */
  private static final Set<String> REQUEST_HOP_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "keep-alive");

  private static final Set<String> RESPONSE_HOP_HEADERS =
      Set.of("connection", "content-length", "transfer-encoding", "keep-alive", "date");

  private final URI origin;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Set<String> corruptBlobs = ConcurrentHashMap.newKeySet();
  private final Set<String> corruptInline = ConcurrentHashMap.newKeySet();
  private final AtomicInteger damaged = new AtomicInteger();
  private final AtomicInteger blobRequests = new AtomicInteger();
  private final List<String> feedQueries = new CopyOnWriteArrayList<>();
  private volatile Consumer<ObjectNode> feedEntries;
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private volatile IntUnaryOperator snapshotWirePosition;
  private volatile SnapshotTextDamage snapshotText;

  private record SnapshotTextDamage(String from, String to, boolean keepGzipTrailer) {}

  private ByteFlippingProxy(URI origin, HttpServer server, ExecutorService threads) {
    this.origin = origin;
    this.server = server;
    this.threads = threads;
  }

  static ByteFlippingProxy start(URI origin) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "byte-flipping-proxy");
              t.setDaemon(true);
              return t;
            });
    ByteFlippingProxy proxy = new ByteFlippingProxy(origin, server, threads);
    server.createContext("/", proxy::forward);
    server.setExecutor(threads);
    server.start();
    return proxy;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Damages every answer for this blob from now on, and its copies inline in feed pages. */
  void corruptBlob(Sha256 sha256) {
    corruptBlobs.add(sha256.hex());
    corruptInline.add(sha256.hex());
  }

  /** Damages this blob's content where a feed page carries it inline, not the blob itself. */
  void corruptInline(Sha256 sha256) {
    corruptInline.add(sha256.hex());
  }

  /** Passes every entry of every feed page through {@code edit} from now on. */
  void rewriteFeedEntries(Consumer<ObjectNode> edit) {
    feedEntries = edit;
  }

  /** The query of every feed request received so far, in order of arrival. */
  List<String> feedQueries() {
    return List.copyOf(feedQueries);
  }

  /** How many {@code /.metamirror/blobs/…} requests were passed on so far. */
  int blobRequests() {
    return blobRequests.get();
  }

  /** Damages every snapshot from now on at {@code position.applyAsInt(length of the stream)}. */
  void corruptSnapshotWireByte(IntUnaryOperator position) {
    snapshotWirePosition = position;
  }

  /**
   * In every snapshot from now on, replaces the first {@code from} inside the archive with {@code
   * to} (as long, differing in one byte), and gzips the archive again.
   *
   * @param keepGzipTrailer whether the trailer keeps the CRC of the undamaged archive
   */
  void corruptSnapshotInside(String from, String to, boolean keepGzipTrailer) {
    if (from.length() != to.length()) {
      throw new IllegalArgumentException("not the same length: " + from + ", " + to);
    }
    snapshotText = new SnapshotTextDamage(from, to, keepGzipTrailer);
  }

  /** Passes everything through unchanged from now on. */
  void stopCorrupting() {
    corruptBlobs.clear();
    corruptInline.clear();
    feedEntries = null;
    snapshotWirePosition = null;
    snapshotText = null;
  }

  /** How many answers were damaged so far. */
  int damagedAnswers() {
    return damaged.get();
  }

  /**
   * The paths of the requests passed on since the start or the last {@link #forgetRequests}, in the
   * order they arrived, that start with {@code prefix} ({@code /.metamirror/blobs/}, …).
   */
  List<String> requestsUnder(String prefix) {
    return requested.stream().filter(p -> p.startsWith(prefix)).toList();
  }

  void forgetRequests() {
    requested.clear();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      requested.add(exchange.getRequestURI().getRawPath());
      String pathAndQuery = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestURI().getRawQuery() != null) {
        pathAndQuery += "?" + exchange.getRequestURI().getRawQuery();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(origin.resolve(pathAndQuery))
              .method(
                  exchange.getRequestMethod(),
                  HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!REQUEST_HOP_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          h.getValue().forEach(v -> request.header(h.getKey(), v));
        }
      }
      if (exchange.getRequestURI().getRawPath().startsWith(BLOBS)) {
        blobRequests.incrementAndGet();
      }
      if (exchange.getRequestURI().getRawPath().equals(FEED)) {
        feedQueries.add(exchange.getRequestURI().getRawQuery());
      }
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt(); // closing
        }
        byte[] message = ("proxy: " + e).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(502, message.length);
        exchange.getResponseBody().write(message);
        return;
      }
      byte[] body = damage(exchange.getRequestURI().getRawPath(), response.body());
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!RESPONSE_HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      boolean noBody =
          body.length == 0
              || exchange.getRequestMethod().equals("HEAD")
              || response.statusCode() == 304;
      exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : body.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private byte[] damage(String path, byte[] body) throws IOException {
    if (body.length == 0) {
      return body;
    }
    if (path.startsWith(BLOBS) && corruptBlobs.contains(path.substring(BLOBS.length()))) {
      flip(body, body.length / 2);
      return body;
    }
    if (path.equals(FEED) && (!corruptInline.isEmpty() || feedEntries != null)) {
      return damageFeed(body);
    }
    if (path.equals(SNAPSHOT)) {
      SnapshotTextDamage text = snapshotText;
      if (text != null) {
        body = damageInside(body, text);
      }
      IntUnaryOperator position = snapshotWirePosition;
      if (position != null) {
        flip(body, position.applyAsInt(body.length));
      }
    }
    return body;
  }

  private byte[] damageFeed(byte[] body) throws IOException {
    JsonNode page = JSON.readTree(body);
    if (!page.path("entries").isArray()) {
      return body; // a 4xx/5xx document
    }
    Consumer<ObjectNode> edit = feedEntries;
    for (JsonNode node : page.get("entries")) {
      ObjectNode entry = (ObjectNode) node;
      if (entry.has("content") && corruptInline.contains(entry.path("sha256").asText())) {
        byte[] content = Base64.getDecoder().decode(entry.get("content").asText());
        flip(content, content.length / 2);
        entry.put("content", Base64.getEncoder().encodeToString(content));
      }
      if (edit != null) {
        edit.accept(entry);
      }
    }
    return JSON.writeValueAsBytes(page);
  }

  private byte[] damageInside(byte[] gzipped, SnapshotTextDamage damage) throws IOException {
    byte[] tar;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      tar = in.readAllBytes();
    }
    byte[] from = damage.from().getBytes(StandardCharsets.UTF_8);
    int at = indexOf(tar, from);
    if (at < 0) {
      return gzipped;
    }
    byte[] to = damage.to().getBytes(StandardCharsets.UTF_8);
    System.arraycopy(to, 0, tar, at, to.length);
    damaged.incrementAndGet();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(tar);
    }
    byte[] regzipped = out.toByteArray();
    if (damage.keepGzipTrailer()) {
      // CRC32 and length of the undamaged archive; the length is unchanged anyway.
      System.arraycopy(gzipped, gzipped.length - 8, regzipped, regzipped.length - 8, 8);
    }
    return regzipped;
  }

  private void flip(byte[] body, int index) {
    body[index] = (byte) ~body[index];
    damaged.incrementAndGet();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
