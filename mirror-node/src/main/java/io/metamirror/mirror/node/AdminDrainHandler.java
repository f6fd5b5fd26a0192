package io.metamirror.mirror.node;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * {@code POST /.metamirror/admin/drain} with {@code Authorization: Bearer <admin token>}: begins
 * the node's {@link Drain} and answers 202. Without a configured token the endpoint is refused
 * (403); with one, a missing or wrong token is 401.
 */
final class AdminDrainHandler implements HttpHandler {
  private final Drain drain;
  private final byte[] token;

  /** {@code token} null refuses every request. */
  AdminDrainHandler(Drain drain, String token) {
    this.drain = drain;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (token == null) {
      Responses.error(exchange, 403, "no admin token is configured on this node");
      return;
    }
    if (!authorized(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
      Responses.error(exchange, 401, "this endpoint needs Authorization: Bearer <admin token>");
      return;
    }
    // Draining before the 202: a health check right after it must already see 503.
    boolean started = drain.begin();
    Responses.json(
        exchange, 202, Map.of("draining", true, "graceSeconds", drain.grace().toSeconds()));
    if (started) {
      drain.finishInBackground();
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // Constant time, so that timing does not tell how much of a guess was right.
    return MessageDigest.isEqual(
        header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
  }
}
