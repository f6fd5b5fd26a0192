package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.AcceptEncoding;
import io.metamirror.protocol.http.ConditionalRequest;
import io.metamirror.protocol.http.DirectoryIndex;
import io.metamirror.protocol.http.HttpDate;
import io.metamirror.protocol.http.OriginHeaders;
import io.metamirror.protocol.http.OriginHttpClients;
import io.metamirror.sync.agent.SyncStatus;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A local miss, answered from the origin (DESIGN §5) so that a replication race never becomes a
 * wrong 404: Composer treats a 404 on a p2 file as "no such package" for the whole run.
 *
 * <ul>
 *   <li>The origin's answer to the client's request: its query string goes upstream as sent
 *       (packagist's {@code changes.json?since=}), and {@code Accept-Encoding: gzip} when the
 *       client accepts gzip; {@code Content-Encoding} and {@code Vary} come back. A directory
 *       ({@link DirectoryIndex}) is asked for as a directory, with the form the client prefers, so
 *       that the origin chooses the index; its redirects come back with their {@code Location}.
 *   <li>One pooled keep-alive client. {@code timeout} bounds the whole origin request: connecting,
 *       the headers and the body. The JDK client's own request timeout stops at the headers.
 *   <li>Single flight: one origin request per {@link Flight} (path, query, gzip or not, and the
 *       form a directory's client prefers) however many clients wait; waiters are woken by the
 *       request's completion, not polled.
 *   <li>Origin 404s of paths without a query are remembered only when {@code negativeTtl} is above
 *       0, under the rule of {@link NegativeCache}: this class tells it what the node knows of the
 *       origin's position (its sync agent's known head, and the newest position any origin answer
 *       named).
 *   <li>A circuit breaker: after {@value #FAILURES_TO_OPEN} failures in a row, fetches nothing for
 *       {@code openFor}: a miss then first joins a probe of the origin's health ({@link
 *       OriginProbe}, at most {@link #PROBE_TIMEOUT}); if the origin answers, the circuit closes
 *       and the miss is fetched, else it is a 502. After {@code openFor} requests go through again:
 *       the first failure opens it again at once, the first success closes it.
 *   <li>Never writes into the store: the store changes only through the journal.
 * </ul>
 */
final class OriginFallback implements MirrorServer.ContentHandler {
  static final int FAILURES_TO_OPEN = 5;
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final List<String> PASSED_HEADERS =
      List.of(
          "ETag",
          "Last-Modified",
          "Content-Type",
          "Cache-Control",
          "Content-Encoding",
          "Vary",
          "Location");

  /**
   * What one origin request answers: clients that differ in any part never share an answer.
   *
   * @param path the file, or the directory of {@code index}
   * @param query the raw query string as the client sent it, "" for none
   * @param gzip whether the client accepts gzip (then the origin is asked for it)
   * @param index for a directory's index, which also says which form the client prefers; else null
   */
  record Flight(ContentPath path, String query, boolean gzip, DirectoryIndex index) {}

  /**
   * What the origin answered, kept for every waiter of one flight.
   *
   * @param position the origin's position its answer names ({@code X-Metamirror-Epoch} and {@code
   *     -Head}), or null when it names none
   */
  record Answer(
      int status, Map<String, String> headers, byte[] body, NegativeCache.Position position) {}

  private final URI origin;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration openFor;
  private final Clock clock;
  private final MirrorMetrics metrics;
  private final Supplier<SyncStatus> sync;
  private final NegativeCache notFound;
  private final Map<Flight, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong openUntil = new AtomicLong();
  private final OriginProbe probe;

  /** The longest a miss waits, while the circuit is open, to learn whether the origin is back. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  /** The newest position an origin answer named; for the negative cache's rule. */
  private final AtomicReference<NegativeCache.Position> newestSeen = new AtomicReference<>();

  /**
   * @param sync the node's sync status, whose epoch and known head say what the node has heard of
   *     the origin through the feed
   */
  OriginFallback(
      URI origin,
      MirrorNodeConfig.FallbackSettings settings,
      Clock clock,
      MirrorMetrics metrics,
      Supplier<SyncStatus> sync) {
    this.origin = origin;
    this.timeout = settings.timeout();
    this.openFor = settings.circuitOpenFor();
    this.clock = clock;
    this.metrics = metrics;
    this.sync = sync;
    this.notFound = new NegativeCache(settings.negativeTtl());
    this.http = OriginHttpClients.create(settings.connectTimeout());
    this.probe =
        new OriginProbe(
            http, origin, timeout.compareTo(PROBE_TIMEOUT) < 0 ? timeout : PROBE_TIMEOUT);
  }

  /** The feed brought these paths: a remembered 404 for them is wrong from now on. */
  void forget(Iterable<ContentPath> paths) {
    notFound.forget(paths);
  }

  boolean circuitOpen() {
    return clock.millis() < openUntil.get();
  }

  @Override
  public void handle(HttpServerExchange exchange, ContentPath path) {
    exchange.getResponseHeaders().put(Responses.SOURCE, "origin");
    String query = exchange.getQueryString();
    if (query.isEmpty()
        && notFound.enabled()
        && notFound.answers(path, knownPosition(), clock.millis())) {
      metrics.negativeHit();
      Responses.error(exchange, 404, "not found: " + path);
      return;
    }
    answer(exchange, path, null);
  }

  /**
   * The origin's answer for the directory, which it chooses by the form the client prefers. Never
   * from the negative cache, which knows files only.
   */
  @Override
  public void handleIndex(HttpServerExchange exchange, DirectoryIndex index) {
    exchange.getResponseHeaders().put(Responses.SOURCE, "origin");
    answer(exchange, index.directory(), index);
  }

  private void answer(HttpServerExchange exchange, ContentPath path, DirectoryIndex index) {
    Flight key =
        new Flight(
            path,
            exchange.getQueryString(),
            AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING)),
            index);
    CompletableFuture<Answer> answer;
    if (circuitOpen()) {
      // Open: ask whether the origin answers again (one probe, joined) before giving up on it.
      answer =
          probe
              .reachable()
              .thenCompose(
                  up -> {
                    if (!up) {
                      return CompletableFuture.failedFuture(new CircuitOpenException());
                    }
                    closeCircuit();
                    return join(key);
                  });
    } else {
      answer = join(key);
    }
    exchange.dispatch(
        SameThreadExecutor.INSTANCE,
        () ->
            answer.whenComplete(
                (a, failure) ->
                    exchange.getIoThread().execute(() -> respond(exchange, path, a, failure))));
  }

  /** The origin is down and its probe did not answer: a 502 without a fetch. */
  private static final class CircuitOpenException extends RuntimeException {
    CircuitOpenException() {
      super("the origin is unavailable", null, false, false);
    }
  }

  private void closeCircuit() {
    consecutiveFailures.set(0);
    openUntil.set(0);
  }

  /** The flight for {@code key}: this request's own fetch, or one already in flight. */
  private CompletableFuture<Answer> join(Flight key) {
    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> flight = inFlight.putIfAbsent(key, mine);
    if (flight == null) {
      flight = mine;
      fetch(key)
          .whenComplete(
              (answer, failure) -> {
                inFlight.remove(key, mine);
                if (failure != null) {
                  mine.completeExceptionally(failure);
                } else {
                  mine.complete(answer);
                }
              });
    } else {
      metrics.coalesced();
    }
    return flight;
  }

  private CompletableFuture<Answer> fetch(Flight key) {
    metrics.fallbackFetch();
    // For an origin that names no position (an older one, or a proxy that drops the headers):
    // what the node knew before asking is never later than what the origin's answer holds at.
    NegativeCache.Position before = notFound.enabled() ? knownPosition() : null;
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(upstream(key)).timeout(timeout).GET();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (key.gzip()) {
      request.header("Accept-Encoding", "gzip");
    }
    if (key.index() != null) {
      request.header("Accept", key.index().upstreamAccept());
    }
    CompletableFuture<HttpResponse<byte[]>> sent =
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    CompletableFuture<Answer> answer =
        sent.thenApply(OriginFallback::answerOf)
            .toCompletableFuture()
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return answer.whenComplete(
        (a, failure) -> {
          if (failure != null) {
            // Aborts the exchange, so that a connection with half a body is not pooled.
            sent.cancel(true);
          }
          if (failure != null || a.status() >= 500) {
            // Once the circuit has opened, only a success closes it: the first request after
            // the open period is a probe, and its failure opens the circuit again at once.
            if (openUntil.get() != 0 || consecutiveFailures.incrementAndGet() >= FAILURES_TO_OPEN) {
              openUntil.set(clock.millis() + openFor.toMillis());
              consecutiveFailures.set(0);
              metrics.circuitOpened();
            }
            return;
          }
          closeCircuit();
          if (a.position() != null) {
            newestSeen.accumulateAndGet(a.position(), OriginFallback::newer);
          }
          if (a.status() == 404 && key.query().isEmpty() && key.index() == null) {
            notFound.remember(
                key.path(), a.position() != null ? a.position() : before, clock.millis());
          }
        });
  }

  /**
   * The origin's URL for a flight: the path percent-encoded as UTF-8 (with a trailing slash for a
   * directory), the query as sent.
   */
  private URI upstream(Flight key) {
    StringBuilder uri =
        new StringBuilder(origin.getScheme()).append("://").append(origin.getRawAuthority());
    for (byte b : ("/" + key.path().value()).getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/".indexOf(c) >= 0) {
        uri.append(c);
      } else {
        uri.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    if (key.index() != null) {
      uri.append('/');
    }
    if (!key.query().isEmpty()) {
      uri.append('?').append(key.query()); // MirrorPaths let only RFC 3986 characters through
    }
    return URI.create(uri.toString());
  }

  private static Answer answerOf(HttpResponse<byte[]> r) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : PASSED_HEADERS) {
      r.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
    }
    return new Answer(r.statusCode(), headers, r.body(), positionOf(r.headers()));
  }

  private static NegativeCache.Position positionOf(HttpHeaders headers) {
    String epoch = headers.firstValue(OriginHeaders.EPOCH).orElse(null);
    String head = headers.firstValue(OriginHeaders.HEAD).orElse(null);
    if (epoch == null || head == null) {
      return null;
    }
    try {
      return new NegativeCache.Position(epoch, Long.parseLong(head));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Of two positions the one a node should go by: the later one, or the other epoch's. */
  private static NegativeCache.Position newer(
      NegativeCache.Position known, NegativeCache.Position seen) {
    return known == null || !known.epoch().equals(seen.epoch()) || seen.seq() > known.seq()
        ? seen
        : known;
  }

  /**
   * What the node knows of the origin's position: the newest of its sync agent's known head and the
   * positions origin answers named; null when those name different epochs (the node is about to
   * start over) or the node has no epoch yet.
   */
  private NegativeCache.Position knownPosition() {
    SyncStatus status = sync.get();
    if (status.epoch() == null) {
      return null;
    }
    NegativeCache.Position seen = newestSeen.get();
    if (seen == null) {
      return new NegativeCache.Position(status.epoch(), status.knownHead());
    }
    if (!seen.epoch().equals(status.epoch())) {
      return null;
    }
    return new NegativeCache.Position(status.epoch(), Math.max(status.knownHead(), seen.seq()));
  }

  private void respond(
      HttpServerExchange exchange, ContentPath path, Answer answer, Throwable failure) {
    if (failure != null) {
      metrics.fallbackError();
      Responses.error(
          exchange,
          502,
          unwrap(failure) instanceof CircuitOpenException
              ? "the origin is unavailable; not found on this mirror: " + path
              : "the origin did not answer for " + path + ": " + why(failure));
      return;
    }
    HeaderMap out = exchange.getResponseHeaders();
    answer.headers().forEach((name, value) -> out.put(new HttpString(name), value));
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

  private static Throwable unwrap(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private String why(Throwable t) {
    t = unwrap(t);
    if (t instanceof TimeoutException) {
      return "no whole answer within " + timeout.toMillis() + " ms";
    }
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
