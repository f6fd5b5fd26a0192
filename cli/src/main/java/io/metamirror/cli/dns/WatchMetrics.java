package io.metamirror.cli.dns;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Prometheus metrics of {@code dns watch}, served on {@code GET /metrics} when asked for. */
final class WatchMetrics implements AutoCloseable {
  final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter passes =
      counter(
          "metamirror_dns_passes_total",
          "Reconcile passes, by result (ok, plan_error, apply_failed, failed)",
          "result");
  final Counter changes =
      counter("metamirror_dns_changes_applied_total", "Record and health-check changes applied");
  final Gauge nodes = gauge("metamirror_dns_nodes", "Nodes in the fleet");
  final Gauge notInDns =
      gauge(
          "metamirror_dns_nodes_probed_not_ok",
          "Nodes whose own health probe was not ok at the last pass");
  final Gauge lastPass =
      gauge("metamirror_dns_last_pass_timestamp_seconds", "When the last pass finished");
  private Undertow server;

  /** Serves the metrics on host:port (0 picks one); returns the port. */
  int serve(String host, int port) {
    PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    server =
        Undertow.builder()
            .addHttpListener(port, host)
            .setHandler(
                exchange -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  writer.write(out, registry.scrape());
                  exchange
                      .getResponseHeaders()
                      .put(Headers.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
                  exchange.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
                })
            .build();
    try {
      server.start();
    } catch (RuntimeException e) {
      throw io.metamirror.protocol.http.ListenException.explain(e, host, port);
    }
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  private Counter counter(String name, String help, String... labelNames) {
    return Counter.builder().name(name).help(help).labelNames(labelNames).register(registry);
  }

  private Gauge gauge(String name, String help) {
    return Gauge.builder().name(name).help(help).register(registry);
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }
}
