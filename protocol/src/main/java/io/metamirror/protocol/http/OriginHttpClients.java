package io.metamirror.protocol.http;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The HTTP client a node keeps to the origin (the sync agent's feed and blobs, a mirror's
 * fallback), one pooled keep-alive client each, configured alike: HTTP/1.1, since the origin speaks
 * nothing else and the JDK would otherwise try an h2c upgrade on every new connection; redirects
 * never followed, since a node fetches from the origin it was given and nowhere else.
 */
public final class OriginHttpClients {
  private OriginHttpClients() {}

  public static HttpClient create(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }
}
