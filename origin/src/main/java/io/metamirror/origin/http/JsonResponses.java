package io.metamirror.origin.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** JSON bodies for answers and refusals, so every refusal has the same shape. */
final class JsonResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private JsonResponses() {}

  static void send(HttpServerExchange exchange, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a response", e);
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** {@code {"error": message}} with the given status. */
  static void error(HttpServerExchange exchange, int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    send(exchange, status, body);
  }

  /** {@code {"error": message, "problems": [...]}} with the given status. */
  static void problems(
      HttpServerExchange exchange, int status, String message, List<String> problems) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    ArrayNode list = body.putArray("problems");
    problems.forEach(list::add);
    send(exchange, status, body);
  }

  /**
   * Whether the request body may be JSON: no {@code Content-Type}, {@code application/json} or a
   * {@code +json} type. If not, answers 415 naming the type (curl's {@code -d} sends a form), and
   * the caller returns.
   */
  static boolean jsonContentType(HttpServerExchange exchange) {
    String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null) {
      return true;
    }
    String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (media.equals("application/json") || media.endsWith("+json")) {
      return true;
    }
    error(exchange, 415, "Content-Type must be application/json, not " + type.strip());
    return false;
  }

  /**
   * Whether the request's method is one of {@code allowed}; if not, answers 405 with {@code Allow}
   * naming them, and the caller returns.
   */
  static boolean methodAllowed(HttpServerExchange exchange, HttpString... allowed) {
    for (HttpString method : allowed) {
      if (exchange.getRequestMethod().equals(method)) {
        return true;
      }
    }
    methodNotAllowed(
        exchange,
        Arrays.stream(allowed).map(HttpString::toString).collect(Collectors.joining(", ")));
    return false;
  }

  private static void methodNotAllowed(HttpServerExchange exchange, String allow) {
    exchange.getResponseHeaders().put(Headers.ALLOW, allow);
    error(
        exchange,
        405,
        "method " + exchange.getRequestMethod() + " is not allowed here; allowed: " + allow);
  }
}
