package io.metamirror.mirror.node;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.xnio.Options;

/**
 * The node's HTTP(S) server, wired in this one place:
 *
 * <pre>
 * request ─► metrics ─► graceful shutdown ─► per-IP rate limit (optional) ─► method allow-list (GET, HEAD; POST only for admin)
 *         ─► /.metamirror/health | metrics | admin/drain | anything else there: 404
 *         ─► path rules (400) ─► local store ─► origin fallback
 * </pre>
 */
final class MirrorServer {
  /**
   * Answers a request for a content path that passed the path rules. The path is passed along
   * rather than attached to the exchange: an attachment costs a map per request.
   */
  interface ContentHandler {
    void handle(HttpServerExchange exchange, ContentPath path) throws Exception;
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

  private final Undertow undertow;
  private final GracefulShutdownHandler graceful;
  private final MirrorNodeConfig.Listener listener;

  private MirrorServer(
      Undertow undertow, GracefulShutdownHandler graceful, MirrorNodeConfig.Listener listener) {
    this.undertow = undertow;
    this.graceful = graceful;
    this.listener = listener;
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
          try {
            contentPath = MirrorPaths.of(exchange);
          } catch (BadPathException e) {
            // Dot-named paths, .metamirror/ state and temp files among them, are never content.
            Responses.error(exchange, path.startsWith("/.") ? 404 : 400, e.getMessage());
            return;
          }
          content.handle(exchange, contentPath);
        };
    double perSecond = serving.rateLimitPerSecond();
    HttpHandler limited =
        perSecond > 0
            ? new RateLimiter(perSecond, Math.max(1, 2 * perSecond), clock, routes)
            : routes;
    GracefulShutdownHandler graceful = new GracefulShutdownHandler(limited);
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
          graceful.handleRequest(exchange);
        };
    Undertow.Builder builder =
        Undertow.builder()
            .setIoThreads(serving.effectiveIoThreads())
            .setWorkerThreads(8)
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
    undertow.start();
    return new MirrorServer(undertow, graceful, listener);
  }

  int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** The base URL clients use; a wildcard listener is reached on loopback. */
  URI uri() {
    String scheme = listener.tls() == null ? "http" : "https";
    String host = listener.host().equals("0.0.0.0") ? "127.0.0.1" : listener.host();
    return URI.create(
        scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /** Refuses new requests, waits up to 30 s for those in flight, then closes the listener. */
  void stop() {
    graceful.shutdown();
    try {
      graceful.awaitShutdown(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    undertow.stop();
  }
}
