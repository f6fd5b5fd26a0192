package io.metamirror.dns.probe;

import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.dns.fleet.Node;
import io.metamirror.protocol.ProtocolException;
import io.metamirror.protocol.health.HealthDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The project's own look at each node's health endpoint: the emulator never evaluates Route53
 * health checks, and a draining node should leave DNS before Route53 notices. Like Route53's HTTPS
 * checks it does not verify certificates (it connects to an address, not a name).
 */
public final class HealthProbe {
  /** What a node said: OK, DRAINING (its health says so), UNHEALTHY (non-2xx) or UNREACHABLE. */
  public enum Status {
    OK,
    DRAINING,
    UNHEALTHY,
    UNREACHABLE
  }

  public record Result(Status status, String detail) {}

  private final HttpClient http;
  private final Duration timeout;

  public HealthProbe(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder().connectTimeout(timeout).sslContext(trustingEverything()).build();
  }

  public Map<String, Result> probe(List<Node> nodes, HealthCheckSettings settings) {
    Map<String, Result> results = new LinkedHashMap<>();
    for (Node n : nodes) {
      results.put(n.id(), probe(n, settings));
    }
    return results;
  }

  public Result probe(Node node, HealthCheckSettings settings) {
    String host = node.healthCheckAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    URI uri =
        URI.create(
            settings.type().toLowerCase(java.util.Locale.ROOT)
                + "://"
                + host
                + ":"
                + settings.port()
                + settings.path());
    try {
      Reading r = read(uri);
      HealthDocument health = r.document();
      HealthDocument.Status said = health == null ? null : health.status();
      if (said == HealthDocument.Status.DRAINING || (health != null && health.draining())) {
        return new Result(Status.DRAINING, "draining");
      }
      String status = said == null ? null : said.toString();
      if (r.statusCode() / 100 != 2) {
        return new Result(Status.UNHEALTHY, r.statusCode() + (status == null ? "" : " " + status));
      }
      return new Result(Status.OK, status == null ? "ok" : status);
    } catch (java.io.IOException e) {
      return new Result(Status.UNREACHABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Status.UNREACHABLE, "interrupted");
    }
  }

  /**
   * One answer of a health endpoint: its status code, the node's typed document ({@code null} when
   * the body is not a metamirror node's) and how long it took.
   */
  public record Reading(int statusCode, HealthDocument document, Duration latency) {}

  /** Fetches {@code uri}, the full URL of a health endpoint (fleet operations resolve it). */
  public Reading read(URI uri) throws java.io.IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(timeout).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Reading(
        r.statusCode(), readOrNull(r.body()), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * The node's document, or null from a health endpoint that is not a metamirror node's (then the
   * status code alone decides).
   */
  private static HealthDocument readOrNull(byte[] body) {
    try {
      return HealthDocument.read(body);
    } catch (ProtocolException notOurs) {
      return null;
    }
  }

  private static SSLContext trustingEverything() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }
}
