package io.metamirror.mirror.node;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault seam in front of a real origin: it forwards every request unchanged (feed long polls
 * too), counts requests by path, can hold answers back until {@link #releaseAnswers()} (so that
 * many clients' misses overlap, or so that the node's fallback timeout fires), and can damage blob
 * bodies ({@link #damageBlobs}). A real origin can do none of these on demand.
 */
final class CountingOriginProxy implements AutoCloseable {
  private static final List<String> PASSED =
      List.of("ETag", "Last-Modified", "Content-Type", "Cache-Control", "Content-Encoding");

  private final URI origin;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile boolean damageBlobs;

  private CountingOriginProxy(URI origin) throws IOException {
    this.origin = origin;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.createContext("/", this::forward);
    server.setExecutor(threads);
    server.start();
  }

  static CountingOriginProxy start(URI origin) throws IOException {
    return new CountingOriginProxy(origin);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Requests that reached this proxy for {@code rawPath} (as sent, e.g. {@code /p2/a.json}). */
  int requestsFor(String rawPath) {
    AtomicInteger n = counts.get(rawPath);
    return n == null ? 0 : n.get();
  }

  /** From now on, answers wait until {@link #releaseAnswers()}. */
  void holdAnswers() {
    gate = new CountDownLatch(1);
  }

  void releaseAnswers() {
    gate.countDown();
  }

  /** While on, each {@code /.metamirror/blobs/…} body goes out with one byte flipped. */
  void damageBlobs(boolean on) {
    damageBlobs = on;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String rawPath = exchange.getRequestURI().getRawPath();
      counts.computeIfAbsent(rawPath, p -> new AtomicInteger()).incrementAndGet();
      if (!gate.await(30, TimeUnit.SECONDS)) {
        exchange.sendResponseHeaders(504, -1);
        return;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(origin.resolve(exchange.getRequestURI().toString()))
              .timeout(Duration.ofSeconds(60))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      for (String name : PASSED) {
        answer
            .headers()
            .firstValue(name)
            .ifPresent(v -> exchange.getResponseHeaders().add(name, v));
      }
      byte[] body = answer.body();
      if (damageBlobs && rawPath.startsWith("/.metamirror/blobs/") && body.length > 0) {
        body[body.length / 2] ^= 0x01;
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

  private static java.util.concurrent.ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "counting-origin-proxy-" + n.incrementAndGet());
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
