package io.metamirror.mirror.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault seam in front of a real origin, for a node's fallback or its sync agent (feed long polls
 * too). It forwards what the fallback and the feed depend on: the request target with its query,
 * the request's {@code Accept-Encoding} and validators, and every answer header (the origin's
 * {@code X-Metamirror-*} and {@code Content-Encoding} included). It counts requests by target as
 * sent ({@code /path?query}), and on demand does what a real origin cannot: holds answers back
 * until {@link #releaseAnswers()} (so that many clients' misses surely overlap, so that the node's
 * fallback timeout fires, or so that the sync agent has heard of an entry but cannot fetch its blob
 * yet), damages blob bodies and their copies inline in feed pages ({@link #damageBlobs}), and drops
 * inline content from feed pages, as an origin of before issue 21 sends them ({@link
 * #dropInlineContent}).
 */
final class OriginFaultSeam implements AutoCloseable {
  private static final List<String> REQUEST_HEADERS =
      List.of("Accept-Encoding", "If-None-Match", "If-Modified-Since");

  /** Set by the JDK server or client themselves; copying them would confuse both. */
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "date", "keep-alive", "transfer-encoding");

  private final URI origin;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile Predicate<String> held = target -> false;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile boolean damageBlobs;
  private volatile boolean dropInline;
  private static final ObjectMapper JSON = new ObjectMapper();

  private OriginFaultSeam(URI origin) throws IOException {
    this.origin = origin;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.createContext("/", this::forward);
    server.setExecutor(threads);
    server.start();
  }

  static OriginFaultSeam start(URI origin) throws IOException {
    return new OriginFaultSeam(origin);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Requests that reached this seam for {@code target} as sent, e.g. {@code /a.json?x=1}. */
  int requestsFor(String target) {
    AtomicInteger n = counts.get(target);
    return n == null ? 0 : n.get();
  }

  /** From now on, every answer waits until {@link #releaseAnswers()}. */
  void holdAnswers() {
    holdAnswers(target -> true);
  }

  /** From now on, answers to requests whose target matches wait until {@link #releaseAnswers()}. */
  void holdAnswers(Predicate<String> targets) {
    gate = new CountDownLatch(1);
    held = targets;
  }

  void releaseAnswers() {
    held = target -> false;
    gate.countDown();
  }

  /**
   * While on, each {@code /.metamirror/blobs/…} body goes out with one byte flipped, and so does
   * each file a feed page carries inline.
   */
  void damageBlobs(boolean on) {
    damageBlobs = on;
  }

  /** From now on, feed pages go out without inline content: the agent must fetch every blob. */
  void dropInlineContent() {
    dropInline = true;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestURI().toString();
      counts.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
      if (held.test(target) && !gate.await(30, TimeUnit.SECONDS)) {
        exchange.sendResponseHeaders(504, -1);
        return;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(origin.resolve(target))
              .timeout(Duration.ofSeconds(90))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
      for (String name : REQUEST_HEADERS) {
        String value = exchange.getRequestHeaders().getFirst(name);
        if (value != null) {
          request.header(name, value);
        }
      }
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] body = answer.body();
      if (damageBlobs && target.startsWith("/.metamirror/blobs/") && body.length > 0) {
        body[body.length / 2] ^= 0x01;
      }
      if ((damageBlobs || dropInline)
          && target.startsWith("/.metamirror/feed")
          && answer.statusCode() == 200) {
        body = editInline(body);
      }
      boolean noBody =
          exchange.getRequestMethod().equals("HEAD")
              || answer.statusCode() == 304
              || body.length == 0;
      exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : body.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private byte[] editInline(byte[] page) throws IOException {
    JsonNode json = JSON.readTree(page);
    for (JsonNode node : json.path("entries")) {
      ObjectNode entry = (ObjectNode) node;
      if (!entry.has("content")) {
        continue;
      }
      if (dropInline) {
        entry.remove("content");
      } else {
        byte[] content = Base64.getDecoder().decode(entry.get("content").asText());
        content[content.length / 2] ^= 0x01;
        entry.put("content", Base64.getEncoder().encodeToString(content));
      }
    }
    return JSON.writeValueAsBytes(json);
  }

  private static ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "origin-fault-seam-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    gate.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
