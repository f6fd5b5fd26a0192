package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/** The origin's Prometheus metrics, in a registry of its own (several origins may share a JVM). */
final class OriginMetrics {
  final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;

  OriginMetrics(OriginRepository repository, IntSupplier feedWaiters) {
    requests =
        Counter.builder()
            .name("metamirror_http_requests_total")
            .help("HTTP requests answered, by status code")
            .labelNames("status")
            .register(registry);
    Counter publishes =
        Counter.builder()
            .name("metamirror_origin_publishes_total")
            .help("Publishes that journaled at least one entry")
            .register(registry);
    Counter entries =
        Counter.builder()
            .name("metamirror_origin_entries_total")
            .help("Journal entries written since start")
            .register(registry);
    repository.onHead(
        new java.util.function.LongConsumer() {
          private long last = repository.head();

          @Override
          public synchronized void accept(long head) {
            publishes.inc();
            entries.inc(head - last);
            last = head;
          }
        });
    GaugeWithCallback.builder()
        .name("metamirror_origin_feed_waiters")
        .help("Feed requests parked waiting for a publish")
        .callback(cb -> cb.call(feedWaiters.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_origin_head_seq")
        .help("The seq of the newest journal entry")
        .callback(cb -> cb.call(repository.head()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_origin_first_retained_seq")
        .help("The oldest seq the feed can still replay")
        .callback(cb -> cb.call(repository.firstRetainedSeq()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("metamirror_origin_files")
        .help("Files in the current tree")
        .callback(cb -> cb.call(repository.fileCount()))
        .register(registry);
  }

  void countRequest(int status) {
    requests.labelValues(Integer.toString(status)).inc();
  }
}
