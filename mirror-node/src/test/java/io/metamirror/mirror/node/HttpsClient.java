package io.metamirror.mirror.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A JDK HTTPS client that trusts only the test CA, as a Composer-like client would: HTTP/2 when the
 * server offers it, no automatic decompression, no redirects. The request timeout is a hang guard.
 */
final class HttpsClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;

  HttpsClient(TestTls tls) {
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls.client())
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  HttpResponse<byte[]> get(MirrorNode node, String path, String... headers)
      throws IOException, InterruptedException {
    return send(node, "GET", path, headers);
  }

  HttpResponse<byte[]> send(MirrorNode node, String method, String path, String... headers)
      throws IOException, InterruptedException {
    return http.send(request(node, method, path, headers), HttpResponse.BodyHandlers.ofByteArray());
  }

  CompletableFuture<HttpResponse<byte[]>> getAsync(MirrorNode node, String path) {
    return http.sendAsync(request(node, "GET", path), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest request(
      MirrorNode node, String method, String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  /** {@code GET /.metamirror/health}: the status code and the parsed document. */
  record Health(int status, JsonNode body) {}

  Health health(MirrorNode node) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(node, "/.metamirror/health");
    return new Health(r.statusCode(), JSON.readTree(r.body()));
  }

  /** One sample of the node's Prometheus metrics, e.g. {@code metamirror_fallback_circuit_open}. */
  double metric(MirrorNode node, String series) throws IOException, InterruptedException {
    String text = new String(get(node, "/.metamirror/metrics").body(), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (!line.startsWith("#") && line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }
}
