package io.metamirror.mirror.node;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client IP: {@code perSecond} requests a second with bursts of {@code burst};
 * beyond that, 429 with {@code Retry-After}. Off unless configured. Buckets idle for a minute are
 * dropped so that many one-off clients cannot grow the map without bound.
 */
final class RateLimiter implements HttpHandler {
  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private final HttpHandler next;
  private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  RateLimiter(double perSecond, double burst, Clock clock, HttpHandler next) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException(
          "rate limit needs perSecond > 0 and burst >= 1: " + perSecond + ", " + burst);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    InetSocketAddress peer = exchange.getSourceAddress();
    if (peer != null && !take(peer.getAddress())) {
      long retry = (long) Math.ceil(1 / perSecond);
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Math.max(1, retry));
      Responses.error(exchange, 429, "too many requests from this address; retry later");
      return;
    }
    next.handleRequest(exchange);
  }

  boolean take(InetAddress client) {
    long now = clock.millis();
    sweep(now);
    Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (now - b.updated) * perSecond / 1000.0);
      b.updated = now;
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  private void sweep(long now) {
    if (now - lastSweep < 60_000) {
      return;
    }
    lastSweep = now;
    buckets.entrySet().removeIf(e -> now - e.getValue().updated > 60_000);
  }
}
