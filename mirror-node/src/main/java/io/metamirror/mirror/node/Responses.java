package io.metamirror.mirror.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.Map;

/** JSON answers and the mirror's own headers. */
final class Responses {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpString SOURCE = new HttpString("X-Metamirror-Source");
  static final HttpString SEQ = new HttpString("X-Metamirror-Seq");
  static final String JSON_TYPE = "application/json";

  private Responses() {}

  static void json(HttpServerExchange exchange, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    send(exchange, status, JSON_TYPE, bytes);
  }

  /** A whole answer about the node itself (health, metrics, errors), which no cache may keep. */
  static void send(HttpServerExchange exchange, int status, String contentType, byte[] body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  static void error(HttpServerExchange exchange, int status, String message) {
    json(exchange, status, Map.of("error", message));
  }
}
