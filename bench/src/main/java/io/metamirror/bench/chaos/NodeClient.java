package io.metamirror.bench.chaos;

import io.metamirror.bench.chaos.ResponseJudge.Observation;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.protocol.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

/**
 * One client of the nodes, as composer or pip would be: GETs over keep-alive HTTP/1.1, with or
 * without {@code Accept-Encoding: gzip} (a gzip answer is inflated before it is hashed, so a bad
 * twin shows as a wrong body). Every GET becomes an {@link Observation}, an exception included. One
 * per thread.
 */
public final class NodeClient {
  /**
   * Longer than a node's fallback timeout (5 s): a node that keeps a client longer is a finding.
   */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http = HttpClients.http11();

  public Observation get(String node, String nodeUrl, String path, boolean gzip)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(nodeUrl + "/" + path)).timeout(TIMEOUT);
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    long start = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return new Observation(
          node, path, gzip, start, System.nanoTime(), -1, null, null, e.toString());
    }
    long end = System.nanoTime();
    String source = response.headers().firstValue("X-Metamirror-Source").orElse(null);
    Sha256 body = null;
    String problem = null;
    if (response.statusCode() == 200) {
      boolean gzipped =
          response.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip");
      try {
        body = Sha256.of(gzipped ? inflate(response.body()) : response.body());
      } catch (IOException e) {
        problem = "gzip body does not inflate: " + e.getMessage();
      }
    }
    return new Observation(
        node, path, gzip, start, end, response.statusCode(), body, source, problem);
  }

  private static byte[] inflate(byte[] gzipped) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }
}
