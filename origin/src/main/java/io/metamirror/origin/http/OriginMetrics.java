package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.DiskSpace;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

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
        counter("metamirror_origin_publishes_total", "Publishes that journaled at least one entry");
    Counter entries =
        counter("metamirror_origin_entries_total", "Journal entries written since start");
    repository.onHead(new HeadCounter(repository.head(), publishes, entries));
    gauge(
        "metamirror_origin_feed_waiters",
        "Feed requests parked waiting for a publish",
        feedWaiters::getAsInt);
    gauge("metamirror_origin_head_seq", "The seq of the newest journal entry", repository::head);
    gauge(
        "metamirror_origin_first_retained_seq",
        "The oldest seq the feed can still replay",
        repository::firstRetainedSeq);
    gauge("metamirror_origin_files", "Files in the current tree", repository::fileCount);
    gauge(
        "metamirror_filesystem_avail_bytes",
        "Bytes the origin may still write on the data directory's file system",
        () -> DiskSpace.available(repository.dataDir()));
    gauge(
        "metamirror_filesystem_size_bytes",
        "Size of the data directory's file system in bytes",
        () -> DiskSpace.total(repository.dataDir()));
  }

  /**
   * Counts publishes and entries from the heads the repository reports. Concurrent publishes report
   * their heads after the lock, so a smaller head can arrive after a larger one: entries are
   * counted up to the largest head seen, each seq once, and a late smaller head adds none.
   */
  static final class HeadCounter implements LongConsumer {
    private final Counter publishes;
    private final Counter entries;
    private long last;

    HeadCounter(long head, Counter publishes, Counter entries) {
      this.last = head;
      this.publishes = publishes;
      this.entries = entries;
    }

    @Override
    public synchronized void accept(long head) {
      publishes.inc();
      if (head > last) {
        entries.inc(head - last);
        last = head;
      }
    }
  }

  void countRequest(int status) {
    requests.labelValues(Integer.toString(status)).inc();
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }

  private void gauge(String name, String help, LongSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }
}
