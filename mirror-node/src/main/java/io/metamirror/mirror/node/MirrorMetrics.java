package io.metamirror.mirror.node;

import io.metamirror.sync.agent.SyncStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The node's Prometheus metrics, in a registry of its own. */
final class MirrorMetrics {
  final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final Counter bytes;
  private final Counter fallbackFetches;
  private final Counter fallbackErrors;
  private final Counter coalesced;
  private final Counter negativeHits;
  private final Counter circuitOpened;

  MirrorMetrics(Supplier<SyncStatus> sync, BooleanSupplier circuitOpen) {
    requests =
        Counter.builder()
            .name("metamirror_http_requests_total")
            .help("Requests answered, by status and by source (local, origin, or none)")
            .labelNames("status", "source")
            .register(registry);
    latency =
        Histogram.builder()
            .name("metamirror_http_request_duration_seconds")
            .help("Time to answer a request")
            .classicUpperBounds(
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    bytes =
        Counter.builder()
            .name("metamirror_http_response_bytes_total")
            .help("Response body bytes sent")
            .register(registry);
    fallbackFetches =
        Counter.builder()
            .name("metamirror_fallback_fetches_total")
            .help("Requests sent to the origin for local misses")
            .register(registry);
    fallbackErrors =
        Counter.builder()
            .name("metamirror_fallback_errors_total")
            .help("Local misses answered 502 (origin failed, timed out, or circuit open)")
            .register(registry);
    coalesced =
        Counter.builder()
            .name("metamirror_fallback_coalesced_total")
            .help("Local misses that joined an origin request already in flight")
            .register(registry);
    negativeHits =
        Counter.builder()
            .name("metamirror_fallback_negative_cache_hits_total")
            .help("Local misses answered 404 from the cached origin 404")
            .register(registry);
    circuitOpened =
        Counter.builder()
            .name("metamirror_fallback_circuit_opened_total")
            .help("Times the origin circuit breaker opened")
            .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_fallback_circuit_open")
        .help("1 while the origin circuit breaker is open")
        .callback(cb -> cb.call(circuitOpen.getAsBoolean() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_sync_applied_seq")
        .help("The seq the store is at")
        .callback(cb -> cb.call(sync.get().appliedSeq()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_sync_lag_entries")
        .help("Entries the store is behind the origin's known head")
        .callback(cb -> cb.call(sync.get().lagEntries()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_sync_lag_seconds")
        .help("How long the oldest unapplied entry has waited")
        .callback(cb -> cb.call(sync.get().lagSeconds()))
        .register(registry);
  }

  private final java.util.concurrent.atomic.AtomicLong total =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong local =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong fromOrigin =
      new java.util.concurrent.atomic.AtomicLong();

  /** Requests answered so far: all, from the store, through the origin. */
  record Totals(long requests, long local, long origin) {}

  Totals totals() {
    return new Totals(total.get(), local.get(), fromOrigin.get());
  }

  void request(int status, String source, double seconds, long bodyBytes) {
    total.incrementAndGet();
    if (source.equals("local")) {
      local.incrementAndGet();
    } else if (source.equals("origin")) {
      fromOrigin.incrementAndGet();
    }
    requests.labelValues(Integer.toString(status), source).inc();
    latency.observe(seconds);
    if (bodyBytes > 0) {
      bytes.inc(bodyBytes);
    }
  }

  void fallbackFetch() {
    fallbackFetches.inc();
  }

  void fallbackError() {
    fallbackErrors.inc();
  }

  void coalesced() {
    coalesced.inc();
  }

  void negativeHit() {
    negativeHits.inc();
  }

  void circuitOpened() {
    circuitOpened.inc();
  }

  long coalescedCount() {
    return (long) coalesced.get();
  }

  long fallbackFetchCount() {
    return (long) fallbackFetches.get();
  }
}
