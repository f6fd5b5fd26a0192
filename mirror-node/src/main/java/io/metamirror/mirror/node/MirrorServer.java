package io.metamirror.mirror.node;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.DirectoryIndex;
import io.metamirror.protocol.http.ListenException;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The node's HTTP(S) server, wired in this one place:
 *
 * <pre>
 * request ─► metrics ─► in-flight count ─► per-IP rate limit (optional) ─► method allow-list (GET, HEAD; POST only for admin)
 *         ─► /.metamirror/health | metrics | admin/drain | anything else there: 404
 *         ─► path rules (400) ─► local store ─► origin fallback
 * </pre>
 *
 * A target with a trailing slash is a directory, answered with its index ({@link DirectoryIndex}).
 */
final class MirrorServer {
  /**
   * Answers a request for a content path that passed the path rules. The path is passed along
   * rather than attached to the exchange: an attachment costs a map per request.
   */
  interface ContentHandler {
    void handle(HttpServerExchange exchange, ContentPath path) throws Exception;

    /** Answers a request for a directory ({@code /simple/demo-pkg/}) with one of its indexes. */
    void handleIndex(HttpServerExchange exchange, DirectoryIndex index) throws Exception;
  }

  private static final Set<HttpString> KNOWN_METHODS =
      Set.of(
          Methods.POST,
          Methods.PUT,
          Methods.DELETE,
          Methods.PATCH,
          Methods.OPTIONS,
          Methods.TRACE,
          Methods.CONNECT,
          Methods.PROPFIND,
          Methods.MKCOL,
          Methods.COPY,
          Methods.MOVE,
          Methods.LOCK,
          Methods.UNLOCK);

  private static final Logger log = LoggerFactory.getLogger(MirrorServer.class);

  /** How long {@link #stop()} waits for requests in flight once the listener is closed. */
  static final Duration IN_FLIGHT_BOUND = Duration.ofSeconds(30);

  private final Undertow undertow;
  // Ours, not Undertow's: Undertow.stop() then closes only the listener, and the connections
  // already open keep being served until this worker is shut down.
  private final XnioWorker worker;
  private final InFlightRequests inFlight;
  private final MirrorNodeConfig.Listener listener;
  private final int port;

  private MirrorServer(
      Undertow undertow,
      XnioWorker worker,
      InFlightRequests inFlight,
      MirrorNodeConfig.Listener listener) {
    this.undertow = undertow;
    this.worker = worker;
    this.inFlight = inFlight;
    this.listener = listener;
    this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /**
   * Starts listening. {@code health} and {@code drain} answer their endpoints; the metrics endpoint
   * answers from {@code metrics}, which also records every request.
   */
  static MirrorServer start(
      MirrorNodeConfig.Listener listener,
      MirrorNodeConfig.Serving serving,
      Clock clock,
      MirrorMetrics metrics,
      HttpHandler health,
      HttpHandler drain,
      ContentHandler content) {
    HttpHandler metricsEndpoint =
        exchange -> Responses.send(exchange, 200, MirrorMetrics.CONTENT_TYPE, metrics.scrape());
    HttpHandler routes =
        exchange -> {
          String path = exchange.getRequestPath();
          HttpString method = exchange.getRequestMethod();
          if (path.equals("/.metamirror/admin/drain")) {
            if (!method.equals(Methods.POST)) {
              exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
              Responses.error(exchange, 405, "use POST");
              return;
            }
            drain.handleRequest(exchange);
            return;
          }
          if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
            if (KNOWN_METHODS.contains(method)) {
              exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
              Responses.error(
                  exchange, 405, "method " + method + " is not allowed; allowed: GET, HEAD");
            } else {
              Responses.error(exchange, 501, "method " + method + " is not implemented");
            }
            return;
          }
          if (path.equals("/.metamirror/health")) {
            health.handleRequest(exchange);
            return;
          }
          if (path.equals("/.metamirror/metrics")) {
            metricsEndpoint.handleRequest(exchange);
            return;
          }
          ContentPath contentPath;
          DirectoryIndex index;
          try {
            index = MirrorPaths.directoryIndex(exchange);
            contentPath = index == null ? MirrorPaths.of(exchange) : null;
          } catch (BadPathException e) {
            // Dot-named paths, .metamirror/ state and temp files among them, are never content.
            Responses.error(exchange, path.startsWith("/.") ? 404 : 400, e.getMessage());
            return;
          }
          if (index != null) {
            content.handleIndex(exchange, index);
          } else {
            content.handle(exchange, contentPath);
          }
        };
    double perSecond = serving.rateLimitPerSecond();
    HttpHandler limited =
        perSecond > 0
            ? new RateLimiter(perSecond, Math.max(1, 2 * perSecond), clock, routes)
            : routes;
    InFlightRequests inFlight = new InFlightRequests(limited);
    // Undertow stamps each request's start (RECORD_REQUEST_START_TIME), so one listener serves
    // every exchange: nothing is allocated per request to time it.
    ExchangeCompletionListener record =
        (ex, next) -> {
          long start = ex.getRequestStartTime(); // -1: not stamped
          metrics.request(
              ex.getStatusCode(),
              ex.getResponseHeaders().getFirst(Responses.SOURCE),
              start == -1 ? 0 : System.nanoTime() - start,
              ex.getResponseBytesSent());
          next.proceed();
        };
    HttpHandler root =
        exchange -> {
          exchange.addExchangeCompleteListener(record);
          inFlight.handleRequest(exchange);
        };
    XnioWorker worker = worker(serving.effectiveIoThreads(), 8);
    Undertow.Builder builder =
        Undertow.builder()
            .setWorker(worker)
            // HTTP/2 over TLS only: on plain HTTP, h2c upgrade checks would cost every request.
            .setServerOption(UndertowOptions.ENABLE_HTTP2, listener.tls() != null)
            .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, true)
            .setServerOption(UndertowOptions.ALLOW_ENCODED_SLASH, false)
            // The target reaches MirrorPaths as sent, which judges it alike on both protocols:
            // Undertow's HTTP/2 listener would reset the stream on a byte it dislikes and close
            // the connection on a bad percent escape, before any handler could answer 400.
            .setServerOption(UndertowOptions.DECODE_URL, false)
            .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 64L * 1024)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
            .setSocketOption(Options.READ_TIMEOUT, 30_000)
            .setSocketOption(Options.WRITE_TIMEOUT, 60_000)
            .setHandler(root);
    if (listener.tls() != null) {
      builder.addHttpsListener(listener.port(), listener.host(), listener.tls());
    } else {
      builder.addHttpListener(listener.port(), listener.host());
    }
    Undertow undertow = builder.build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      worker.shutdownNow();
      throw ListenException.explain(e, listener.host(), listener.port());
    }
    return new MirrorServer(undertow, worker, inFlight, listener);
  }

  /** The worker Undertow would make for itself (see {@code Undertow.start}). */
  private static XnioWorker worker(int ioThreads, int workerThreads) {
    try {
      return Xnio.getInstance(Undertow.class.getClassLoader())
          .createWorker(
              OptionMap.builder()
                  .set(Options.WORKER_IO_THREADS, ioThreads)
                  .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                  .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                  .set(Options.WORKER_TASK_CORE_THREADS, workerThreads)
                  .set(Options.WORKER_TASK_MAX_THREADS, workerThreads)
                  .set(Options.TCP_NODELAY, true)
                  .set(Options.CORK, true)
                  .getMap());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the server's threads", e);
    }
  }

  int port() {
    return port;
  }

  /** The base URL clients use; a wildcard listener is reached on loopback. */
  URI uri() {
    String scheme = listener.tls() == null ? "http" : "https";
    String host = listener.host().equals("0.0.0.0") ? "127.0.0.1" : listener.host();
    return URI.create(
        scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /**
   * Closes the listener, so that new connections are refused; answers the requests already in
   * flight or arriving on connections already open (HTTP/1.1 ones with {@code Connection: close})
   * for up to {@link #IN_FLIGHT_BOUND}; then closes every connection. Never answers 503.
   */
  void stop() {
    inFlight.closing();
    undertow.stop();
    try {
      if (!inFlight.awaitNone(IN_FLIGHT_BOUND)) {
        log.warn(
            "event=stop_in_flight_abandoned requests={} bound_s={}",
            inFlight.active(),
            IN_FLIGHT_BOUND.toSeconds());
      }
      worker.shutdown();
      if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
