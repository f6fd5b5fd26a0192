package io.metamirror.sync.agent;

import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.ProtocolException;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.OriginHttpClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * The agent's side of the wire protocol: feed pages, blobs, snapshots, over one pooled keep-alive
 * HTTP client. Every failure is an {@link IOException} whose message names the URL and the cause;
 * an {@link OriginUnavailableException} when the origin is not there.
 */
final class OriginClient {
  private final URI base;
  private final HttpClient http;
  private final Duration requestTimeout;

  OriginClient(URI origin, Duration connectTimeout, Duration requestTimeout) {
    this.base = origin.toString().endsWith("/") ? origin : URI.create(origin + "/");
    this.requestTimeout = requestTimeout;
    this.http = OriginHttpClients.create(connectTimeout);
  }

  URI base() {
    return base;
  }

  /** The origin asked for a bootstrap (410), or the page's epoch is not ours. */
  static final class ResyncException extends IOException {
    ResyncException(String message) {
      super(message);
    }
  }

  /**
   * One feed page; with {@code inlineBytes} &gt; 0 small files may come inside it (an origin that
   * does not know the question sends none).
   */
  FeedPage feed(long since, int waitSeconds, int limit, long inlineBytes) throws IOException {
    URI uri =
        base.resolve(
            ".metamirror/feed?since="
                + since
                + "&wait="
                + waitSeconds
                + "&limit="
                + limit
                + (inlineBytes > 0 ? "&inline=" + inlineBytes : ""));
    HttpResponse<InputStream> response =
        send(
            HttpRequest.newBuilder(uri)
                .timeout(requestTimeout.plusSeconds(waitSeconds))
                .GET()
                .build());
    try (InputStream body = response.body()) {
      if (response.statusCode() == 410) {
        throw new ResyncException("origin no longer has the entries after seq " + since + " (410)");
      }
      if (response.statusCode() != 200) {
        throw answered(response.statusCode(), "for " + uri);
      }
      FeedPage page = FeedPage.read(body);
      if (page.inlineBytes() > inlineBytes) {
        throw new ProtocolException(
            "feed page after seq "
                + since
                + " carries "
                + page.inlineBytes()
                + " bytes inline, more than the "
                + inlineBytes
                + " asked for");
      }
      return page;
    }
  }

  /**
   * Streams a blob to {@code target}, checking size and sha256 on the way.
   *
   * @throws BlobMismatchException when the bytes are not the announced ones
   */
  void fetchBlob(Sha256 sha256, long size, Path target) throws IOException {
    URI uri = base.resolve(".metamirror/blobs/" + sha256.hex());
    HttpResponse<InputStream> response =
        send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw answered(response.statusCode(), "for blob " + sha256);
      }
      MessageDigest digest = Sha256.newDigest();
      long written = 0;
      try (OutputStream out = Files.newOutputStream(target)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = body.read(buffer)) != -1; ) {
          written += n;
          if (written > size) {
            break;
          }
          digest.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      Sha256 actual = Sha256.ofDigest(digest.digest());
      if (written != size || !actual.equals(sha256)) {
        throw new BlobMismatchException(sha256, size, actual, written);
      }
    }
  }

  HttpResponse<InputStream> snapshot() throws IOException {
    URI uri = base.resolve(".metamirror/snapshot");
    HttpResponse<InputStream> response = send(HttpRequest.newBuilder(uri).GET().build());
    if (response.statusCode() != 200) {
      response.body().close();
      throw answered(response.statusCode(), "for its snapshot");
    }
    return response;
  }

  private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw OriginUnavailableException.noAnswer(
          "cannot reach the origin at " + base + ": " + describe(e), e);
    }
  }

  /** A status other than the one wanted, as an exception that says whether the origin is away. */
  private static IOException answered(int status, String what) {
    String message = "origin answered " + status + " " + what;
    return OriginUnavailableException.isUnavailableStatus(status)
        ? OriginUnavailableException.answered(message)
        : new IOException(message);
  }

  /**
   * Whether the origin's health answers 200 within {@code timeout}: the cheap question {@link
   * RetryWait} asks while the agent backs off. Never throws.
   */
  boolean healthAnswers(Duration timeout) throws InterruptedException {
    URI uri = base.resolve(".metamirror/health");
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
