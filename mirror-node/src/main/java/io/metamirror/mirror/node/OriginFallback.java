package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.ConditionalRequest;
import io.metamirror.protocol.http.HttpDate;
import io.metamirror.protocol.http.OriginHttpClients;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local miss, answered from the origin (DESIGN §5) so that a replication race never becomes a
 * wrong 404: Composer treats a 404 on a p2 file as "no such package" for the whole run.
 *
 * <ul>
 *   <li>One pooled keep-alive client; connect and total timeouts bounded.
 *   <li>Single flight: one origin request per path however many clients wait; waiters are woken by
 *       the request's completion, not polled.
 *   <li>An origin 404 is remembered for {@code negativeTtl}, and forgotten the moment the feed
 *       brings that path ({@link #forget}).
 *   <li>A circuit breaker: after {@value #FAILURES_TO_OPEN} failures in a row, answers 502 at once
 *       for {@code openFor}, then lets requests through again as probes: the first failure opens it
 *       again at once, the first success closes it.
 *   <li>Never writes into the store: the store changes only through the journal.
 * </ul>
 */
final class OriginFallback implements MirrorServer.ContentHandler {
  static final int FAILURES_TO_OPEN = 5;
  private static final List<String> PASSED_HEADERS =
      List.of("ETag", "Last-Modified", "Content-Type", "Cache-Control", "Content-Encoding");

  /** What the origin answered, kept for every waiter of one flight. */
  record Answer(int status, Map<String, String> headers, byte[] body) {}

  private final URI origin;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration negativeTtl;
  private final Duration openFor;
  private final Clock clock;
  private final MirrorMetrics metrics;
  private final Map<ContentPath, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();
  private final Map<ContentPath, Long> notFoundUntil = new ConcurrentHashMap<>();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong openUntil = new AtomicLong();

  OriginFallback(
      URI origin, MirrorNodeConfig.FallbackSettings settings, Clock clock, MirrorMetrics metrics) {
    this.origin = origin;
    this.timeout = settings.timeout();
    this.negativeTtl = settings.negativeTtl();
    this.openFor = settings.circuitOpenFor();
    this.clock = clock;
    this.metrics = metrics;
    this.http = OriginHttpClients.create(settings.connectTimeout());
  }

  /** The feed brought these paths: a cached 404 for them is wrong from now on. */
  void forget(Iterable<ContentPath> paths) {
    for (ContentPath p : paths) {
      notFoundUntil.remove(p);
    }
  }

  boolean circuitOpen() {
    return clock.millis() < openUntil.get();
  }

  @Override
  public void handle(HttpServerExchange exchange, ContentPath path) {
    exchange.getResponseHeaders().put(Responses.SOURCE, "origin");
    Long until = notFoundUntil.get(path);
    if (until != null) {
      if (clock.millis() < until) {
        metrics.negativeHit();
        Responses.error(exchange, 404, "not found: " + path);
        return;
      }
      notFoundUntil.remove(path, until);
    }
    if (circuitOpen()) {
      metrics.fallbackError();
      Responses.error(
          exchange, 502, "the origin is unavailable; not found on this mirror: " + path);
      return;
    }
    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> flight = inFlight.putIfAbsent(path, mine);
    if (flight == null) {
      flight = mine;
      fetch(path)
          .whenComplete(
              (answer, failure) -> {
                inFlight.remove(path, mine);
                if (failure != null) {
                  mine.completeExceptionally(failure);
                } else {
                  mine.complete(answer);
                }
              });
    } else {
      metrics.coalesced();
    }
    CompletableFuture<Answer> waitFor = flight;
    exchange.dispatch(
        SameThreadExecutor.INSTANCE,
        () ->
            waitFor.whenComplete(
                (answer, failure) ->
                    exchange
                        .getIoThread()
                        .execute(() -> respond(exchange, path, answer, failure))));
  }

  private CompletableFuture<Answer> fetch(ContentPath path) {
    metrics.fallbackFetch();
    URI uri;
    try {
      uri = new URI(origin.getScheme(), origin.getRawAuthority(), "/" + path.value(), null, null);
    } catch (URISyntaxException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r -> {
              Map<String, String> headers = new java.util.LinkedHashMap<>();
              for (String name : PASSED_HEADERS) {
                r.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
              }
              return new Answer(r.statusCode(), headers, r.body());
            })
        .whenComplete(
            (answer, failure) -> {
              if (failure != null || answer.status() >= 500) {
                // Once the circuit has opened, only a success closes it: the first request after
                // the open period is a probe, and its failure opens the circuit again at once.
                if (openUntil.get() != 0
                    || consecutiveFailures.incrementAndGet() >= FAILURES_TO_OPEN) {
                  openUntil.set(clock.millis() + openFor.toMillis());
                  consecutiveFailures.set(0);
                  metrics.circuitOpened();
                }
              } else {
                consecutiveFailures.set(0);
                openUntil.set(0);
                if (answer.status() == 404) {
                  notFoundUntil.put(path, clock.millis() + negativeTtl.toMillis());
                }
              }
            });
  }

  private void respond(
      HttpServerExchange exchange, ContentPath path, Answer answer, Throwable failure) {
    if (failure != null) {
      metrics.fallbackError();
      Responses.error(
          exchange, 502, "the origin did not answer for " + path + ": " + rootCause(failure));
      return;
    }
    HeaderMap out = exchange.getResponseHeaders();
    answer
        .headers()
        .forEach((name, value) -> out.put(new io.undertow.util.HttpString(name), value));
    if (answer.status() == 200
        && ConditionalRequest.of(exchange.getRequestHeaders()::getFirst)
            .notModified(
                answer.headers().get("ETag"),
                HttpDate.parse(answer.headers().get("Last-Modified")))) {
      exchange.setStatusCode(304);
      exchange.endExchange();
      return;
    }
    exchange.setStatusCode(answer.status() >= 500 ? 502 : answer.status());
    if (!answer.headers().containsKey("Content-Type")) {
      out.put(Headers.CONTENT_TYPE, "application/octet-stream");
    }
    exchange.setResponseContentLength(answer.body().length);
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.endExchange();
      return;
    }
    exchange.getResponseSender().send(ByteBuffer.wrap(answer.body()));
  }

  private static String rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
