package io.metamirror.mirror.node;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the origin answers at all, asked while the fallback's circuit is open: one request for
 * {@code /.metamirror/health} at a time, which every miss arriving meanwhile joins. A refused
 * connection fails in a millisecond, so a miss right after the origin comes back starts a probe
 * that succeeds and is served, instead of a 502 until the open period ends (the chaos suite found
 * those). An origin that accepts and never answers costs each joined miss at most the probe's
 * timeout, then a 502, and one request to the origin, not one per miss.
 */
final class OriginProbe {
  private final HttpClient http;
  private final URI health;
  private final Duration timeout;
  private final AtomicReference<CompletableFuture<Boolean>> current = new AtomicReference<>();

  OriginProbe(HttpClient http, URI origin, Duration timeout) {
    this.http = http;
    this.health = origin.resolve("/.metamirror/health");
    this.timeout = timeout;
  }

  /** True once the origin answered (any status below 500), false when it did not in time. */
  CompletableFuture<Boolean> reachable() {
    while (true) {
      CompletableFuture<Boolean> running = current.get();
      if (running != null && !running.isDone()) {
        return running;
      }
      CompletableFuture<Boolean> mine = new CompletableFuture<>();
      if (current.compareAndSet(running, mine)) {
        send(mine);
        return mine;
      }
    }
  }

  private void send(CompletableFuture<Boolean> result) {
    HttpRequest request = HttpRequest.newBuilder(health).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<Void>> sent =
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                sent.cancel(true);
              }
              result.complete(failure == null && response.statusCode() < 500);
            });
  }
}
