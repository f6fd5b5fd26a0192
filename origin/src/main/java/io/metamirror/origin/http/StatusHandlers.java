package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * {@code GET /.metamirror/health} (JSON) and {@code GET /.metamirror/metrics} (Prometheus text).
 */
final class StatusHandlers {
  private StatusHandlers() {}

  static HttpHandler health(OriginRepository repository, IntSupplier feedWaiters, String version) {
    return exchange -> {
      if (!JsonResponses.methodAllowed(exchange, Methods.GET, Methods.HEAD)) {
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "ok");
      body.put("role", "origin");
      body.put("version", version);
      body.put("epoch", repository.epoch().value());
      body.put("head", repository.head());
      body.put("firstRetained", repository.firstRetainedSeq());
      body.put("files", repository.fileCount());
      body.put("feedWaiters", feedWaiters.getAsInt());
      JsonResponses.send(exchange, 200, body);
    };
  }

  static HttpHandler metrics(OriginMetrics metrics) {
    PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    return exchange -> {
      if (!JsonResponses.methodAllowed(exchange, Methods.GET, Methods.HEAD)) {
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      writer.write(out, metrics.registry.scrape());
      exchange
          .getResponseHeaders()
          .put(Headers.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
      exchange.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
    };
  }
}
