package io.metamirror.mirror.node;

import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.protocol.DiskSpace;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The node's Prometheus metrics, in a registry of its own.
 *
 * <p>The per-request ones (requests by status and source, latency, bytes) are {@link LongAdder}s in
 * arrays indexed by status and bucket, turned into snapshots only when scraped: recording a request
 * costs a few uncontended adds, no label lookup and no allocation.
 */
final class MirrorMetrics {
  private static final String[] SOURCES = {"local", "origin", "none"};
  private static final int MIN_STATUS = 100;
  private static final int MAX_STATUS = 599;
  private static final double[] LATENCY_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
  private static final PrometheusTextFormatWriter TEXT = new PrometheusTextFormatWriter(false);

  private final PrometheusRegistry registry = new PrometheusRegistry();

  /** [source][status - MIN_STATUS] */
  private final LongAdder[][] requests = new LongAdder[SOURCES.length][];

  private final long[] latencyBoundsNanos = new long[LATENCY_BOUNDS.length];

  /** Per bucket, not cumulative; the last is +Inf. */
  private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BOUNDS.length + 1];

  private final LongAdder latencyNanos = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Counter fallbackFetches;
  private final Counter fallbackErrors;
  private final Counter coalesced;
  private final Counter negativeHits;
  private final Counter circuitOpened;

  MirrorMetrics(Supplier<SyncStatus> sync) {
    for (int s = 0; s < SOURCES.length; s++) {
      requests[s] = new LongAdder[MAX_STATUS - MIN_STATUS + 1];
      for (int i = 0; i < requests[s].length; i++) {
        requests[s][i] = new LongAdder();
      }
    }
    for (int i = 0; i < LATENCY_BOUNDS.length; i++) {
      latencyBoundsNanos[i] = (long) (LATENCY_BOUNDS[i] * 1e9);
    }
    for (int i = 0; i < latencyBuckets.length; i++) {
      latencyBuckets[i] = new LongAdder();
    }
    registry.register(this::requestsSnapshot);
    registry.register(this::latencySnapshot);
    registry.register(
        () ->
            CounterSnapshot.builder()
                .name("metamirror_http_response_bytes")
                .help("Response body bytes sent")
                .dataPoint(CounterDataPointSnapshot.builder().value(bytes.sum()).build())
                .build());
    fallbackFetches =
        counter(
            "metamirror_fallback_fetches_total", "Requests sent to the origin for local misses");
    fallbackErrors =
        counter(
            "metamirror_fallback_errors_total",
            "Local misses answered 502 (origin failed, timed out, or circuit open)");
    coalesced =
        counter(
            "metamirror_fallback_coalesced_total",
            "Local misses that joined an origin request already in flight");
    negativeHits =
        counter(
            "metamirror_fallback_negative_cache_hits_total",
            "Local misses answered 404 from the cached origin 404");
    circuitOpened =
        counter(
            "metamirror_fallback_circuit_opened_total", "Times the origin circuit breaker opened");
    gauge("metamirror_sync_applied_seq", "The seq the store is at", () -> sync.get().appliedSeq());
    gauge(
        "metamirror_sync_lag_entries",
        "Entries the store is behind the origin's known head",
        () -> sync.get().lagEntries());
    gauge(
        "metamirror_sync_lag_seconds",
        "How long the oldest unapplied entry has waited",
        () -> sync.get().lagSeconds());
    GaugeWithCallback.builder()
        .name("metamirror_sync_state")
        .help("1 for the sync agent's current state (label state), 0 for the others")
        .labelNames("state")
        .callback(
            cb -> {
              SyncState current = sync.get().state();
              for (SyncState s : SyncState.values()) {
                cb.call(s == current ? 1 : 0, s.toString());
              }
            })
        .register(registry);
    gauge(
        "metamirror_sync_failing",
        "1 while the agent's last attempt failed (origin unreachable or refusing, a bad entry, a"
            + " full disk; health lastError says which), 0 once an attempt succeeds",
        () -> sync.get().lastError() == null ? 0 : 1);
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }

  /** A gauge read when scraped. */
  private void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsDouble()))
        .register(registry);
  }

  /** The circuit breaker's state, read when scraped. */
  void watch(OriginFallback fallback) {
    gauge(
        "metamirror_fallback_circuit_open",
        "1 while the origin circuit breaker is open",
        () -> fallback.circuitOpen() ? 1 : 0);
  }

  /** The cache's size and misses, read when scraped. */
  void watch(SmallFileCache cache) {
    gauge(
        "metamirror_file_cache_bytes",
        "Bytes of file bodies held in the in-memory cache of small files",
        cache::bytes);
    gauge(
        "metamirror_file_cache_files",
        "Files held in the in-memory cache of small files",
        cache::files);
    callbackCounter(
        "metamirror_file_cache_misses_total",
        "Local hits that had to read the file (not cached, or an older version cached);"
            + " the other local answers came from the cache",
        cache::misses);
  }

  /** Files found not to be the version the manifest lists, read when scraped. */
  void watch(VerifiedFiles verified) {
    callbackCounter(
        "metamirror_mirror_integrity_failures_total",
        "Files (or gzip twins) of the store that did not hash to the version the manifest"
            + " lists when checked; never served",
        verified::failures);
  }

  /** The background scrub's progress, read when scraped. */
  void watch(StoreScrub scrub) {
    callbackCounter(
        "metamirror_mirror_scrub_files_total",
        "Files and gzip twins of the store the background scrub re-hashed",
        scrub::files);
    callbackCounter(
        "metamirror_mirror_scrub_bytes_total",
        "Bytes of files and twins the background scrub re-hashed",
        scrub::bytes);
    callbackCounter(
        "metamirror_mirror_scrub_mismatches_total",
        "Files or twins the background scrub found not to be the listed version (each is also"
            + " an integrity failure); never served, repaired in place",
        scrub::mismatches);
    gauge(
        "metamirror_mirror_scrub_last_pass_completed_seconds",
        "When the background scrub last completed a pass over the whole store, unix seconds; 0:"
            + " never",
        scrub::lastPassCompletedSeconds);
  }

  /** A counter read when scraped. */
  private void callbackCounter(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsDouble()))
        .register(registry);
  }

  /**
   * The node's health, read when scraped: what the alert rule on health flapping in {@code
   * ops/prometheus/alerts.yml} watches.
   */
  void watch(Supplier<HealthDocument> health) {
    gauge(
        "metamirror_node_healthy",
        "1 while the node's health answers 200 (status ok), 0 while draining, bootstrapping,"
            + " stalled or behind",
        () -> health.get().status() == HealthDocument.Status.OK ? 1 : 0);
  }

  /** When the certificate in service expires, read when scraped; only on a TLS listener. */
  void watch(ReloadingKeyManager tlsKeys) {
    gauge(
        "metamirror_tls_certificate_expiry_timestamp_seconds",
        "When the certificate in service expires (notAfter), in Unix seconds",
        () -> tlsKeys.current().leaf().getNotAfter().getTime() / 1000.0);
  }

  /** The free and total space of the store's file system, read when scraped. */
  void watchDisk(Path store) {
    gauge(
        "metamirror_filesystem_avail_bytes",
        "Bytes the node may still write on the store's file system",
        () -> DiskSpace.available(store));
    gauge(
        "metamirror_filesystem_size_bytes",
        "Size of the store's file system in bytes",
        () -> DiskSpace.total(store));
  }

  /** Every metric in the Prometheus text format, as {@code GET /.metamirror/metrics} answers. */
  byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    TEXT.write(out, registry.scrape());
    return out.toByteArray();
  }

  /** Requests answered so far: all, from the store, through the origin. */
  record Totals(long requests, long local, long origin) {}

  Totals totals() {
    long[] bySource = new long[SOURCES.length];
    for (int s = 0; s < SOURCES.length; s++) {
      for (LongAdder a : requests[s]) {
        bySource[s] += a.sum();
      }
    }
    return new Totals(bySource[0] + bySource[1] + bySource[2], bySource[0], bySource[1]);
  }

  /** Records one answered request; {@code source} is "local", "origin", or null. */
  void request(int status, String source, long nanos, long bodyBytes) {
    int s = "local".equals(source) ? 0 : "origin".equals(source) ? 1 : 2;
    int i = Math.min(MAX_STATUS, Math.max(MIN_STATUS, status)) - MIN_STATUS;
    requests[s][i].increment();
    int bucket = 0;
    while (bucket < latencyBoundsNanos.length && nanos > latencyBoundsNanos[bucket]) {
      bucket++;
    }
    latencyBuckets[bucket].increment();
    latencyNanos.add(nanos);
    if (bodyBytes > 0) {
      bytes.add(bodyBytes);
    }
  }

  private CounterSnapshot requestsSnapshot() {
    CounterSnapshot.Builder b =
        CounterSnapshot.builder()
            .name("metamirror_http_requests")
            .help("Requests answered, by status and by source (local, origin, or none)");
    for (int s = 0; s < SOURCES.length; s++) {
      for (int i = 0; i < requests[s].length; i++) {
        long n = requests[s][i].sum();
        if (n > 0) {
          b.dataPoint(
              CounterDataPointSnapshot.builder()
                  .value(n)
                  .labels(
                      Labels.of("status", Integer.toString(MIN_STATUS + i), "source", SOURCES[s]))
                  .build());
        }
      }
    }
    return b.build();
  }

  private HistogramSnapshot latencySnapshot() {
    double[] bounds = Arrays.copyOf(LATENCY_BOUNDS, LATENCY_BOUNDS.length + 1);
    bounds[LATENCY_BOUNDS.length] = Double.POSITIVE_INFINITY;
    long[] counts = new long[latencyBuckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = latencyBuckets[i].sum();
    }
    return HistogramSnapshot.builder()
        .name("metamirror_http_request_duration_seconds")
        .help("Time to answer a request")
        .dataPoint(
            HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(latencyNanos.sum() / 1e9)
                .build())
        .build();
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
