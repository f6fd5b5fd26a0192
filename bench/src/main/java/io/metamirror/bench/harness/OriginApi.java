package io.metamirror.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The parts of an origin's HTTP API the benchmarks use, over one keep-alive HTTP/1.1 connection:
 * its head, a batch publish, a single-file PUT. Any answer but 200 fails the run.
 */
public final class OriginApi {
  private final String url;
  private final String token;
  private final HttpClient http = HttpClients.http11();

  /** {@code url} without a trailing slash, e.g. {@code http://127.0.0.1:8080}. */
  public OriginApi(String url, String token) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  public String url() {
    return url;
  }

  /** The seq of the origin's last journal entry ({@code head} of its health answer). */
  public long head() throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/.metamirror/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new BenchFailure(url + " health: HTTP " + response.statusCode());
    }
    return JsonFields.topLevelLong(response.body(), "head")
        .orElseThrow(() -> new BenchFailure(url + " health has no head"));
  }

  /**
   * {@code POST /.metamirror/api/batch} of a body {@link ComposerLikeFiles#batchBody} built; the
   * answer is checked by the caller (a timed publish checks more than its status).
   */
  public HttpResponse<byte[]> postBatch(byte[] body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + "/.metamirror/api/batch"))
            .timeout(Duration.ofSeconds(300))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Publishes a batch; returns the head after it. */
  public long publishBatch(byte[] body, String what) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = postBatch(body);
    requireOk(response, "batch publish of " + what);
    return JsonFields.topLevelLong(response.body(), "head")
        .orElseThrow(() -> new BenchFailure("batch publish of " + what + ": no head in answer"));
  }

  /** The request for {@code PUT /.metamirror/api/files/PATH}: built before a timer starts. */
  public HttpRequest putRequest(String path, byte[] content) {
    return HttpRequest.newBuilder(URI.create(url + "/.metamirror/api/files/" + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
        .build();
  }

  /** Sends a request {@link #putRequest} built; fails on any answer but 200. */
  public void send(HttpRequest put) throws IOException, InterruptedException {
    requireOk(
        http.send(put, HttpResponse.BodyHandlers.ofByteArray()), put.method() + " " + put.uri());
  }

  /** Fails the run, with the start of the answer, unless it is a 200. */
  public static void requireOk(HttpResponse<byte[]> response, String what) throws BenchFailure {
    if (response.statusCode() != 200) {
      throw new BenchFailure(
          what
              + ": HTTP "
              + response.statusCode()
              + ": "
              + BenchFailure.abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
    }
  }
}
