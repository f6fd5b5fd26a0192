package io.metamirror.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** The benchmarks' HTTP clients, and waiting for a server that was just started. */
public final class HttpClients {
  private HttpClients() {}

  /**
   * HTTP/1.1 with keep-alive: what nginx, the origin and a mirror node all speak, so both sides of
   * a comparison get the same protocol (the JDK's default would try HTTP/2 on TLS).
   */
  public static HttpClient http11() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** The same, trusting only the certificates {@code tls} trusts. */
  public static HttpClient http11(SSLContext tls) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .sslContext(tls)
        .build();
  }

  /**
   * Waits until {@code url} answers at all (any status: a node answers 503 while it syncs), failing
   * when {@code process} exits first or after a minute.
   */
  public static void awaitAnswer(HttpClient client, String url, Process process, String name)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
    while (true) {
      if (!process.isAlive()) {
        throw new BenchFailure(name + " exited before answering " + url);
      }
      try {
        client.send(probe, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(name + " did not answer " + url + " within a minute");
      }
      Thread.sleep(100);
    }
  }
}
