package io.metamirror.origin.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}: 401 (with {@code
 * WWW-Authenticate}) when it carries none, 403 when it carries another. Compared in constant time.
 */
final class BearerTokenHandler implements HttpHandler {
  private final byte[] token;
  private final HttpHandler next;

  BearerTokenHandler(String token, HttpHandler next) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the API token is empty");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"metamirror\"");
      JsonResponses.error(exchange, 401, "this endpoint needs Authorization: Bearer <token>");
      return;
    }
    byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(offered, token)) {
      JsonResponses.error(exchange, 403, "the bearer token is not valid");
      return;
    }
    next.handleRequest(exchange);
  }
}
