package io.metamirror.origin.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.composer.ChangeIndex;
import io.metamirror.origin.composer.ComposerRepository;
import io.metamirror.protocol.http.AcceptEncoding;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * packagist.org's mirror API, for existing Composer mirror tooling: {@code GET
 * /metadata/changes.json?since=T} (see {@link ChangeIndex}) and {@code GET /packages/list.json}
 * ({@code {"packageNames":[...]}}, {@code ?filter=acme/*} as packagist.org filters). Both are
 * gzip-encoded when the client accepts it, as the official mirror script requires.
 */
final class ComposerMirrorApi {
  private ComposerMirrorApi() {}

  static HttpHandler changes(ChangeIndex index) {
    return blocking(
        exchange -> {
          Deque<String> since = exchange.getQueryParameters().get("since");
          long value = -1;
          if (since != null && !since.isEmpty()) {
            try {
              value = Long.parseLong(since.getFirst());
            } catch (NumberFormatException e) {
              value = -1;
            }
          }
          if (value <= 0) {
            ObjectNode body = JsonResponses.JSON.createObjectNode();
            body.put(
                "error",
                "Invalid or missing \"since\" query parameter: store the \"timestamp\" of this"
                    + " answer when you start mirroring and pass it as since to receive changes");
            body.put("timestamp", index.currentTimestamp());
            send(exchange, 400, body);
            return;
          }
          ChangeIndex.Answer answer = index.since(value);
          ObjectNode body = JsonResponses.JSON.createObjectNode();
          ArrayNode actions = body.putArray("actions");
          for (ChangeIndex.Action a : answer.actions()) {
            actions
                .addObject()
                .put("type", a.type())
                .put("package", a.packageKey())
                .put("time", a.timeSeconds());
          }
          body.put("timestamp", answer.timestamp());
          send(exchange, 200, body);
        });
  }

  static HttpHandler packageList(ComposerRepository composer) {
    return blocking(
        exchange -> {
          Deque<String> filter = exchange.getQueryParameters().get("filter");
          Predicate<String> wanted =
              filter == null || filter.isEmpty() ? name -> true : glob(filter.getFirst());
          ObjectNode body = JsonResponses.JSON.createObjectNode();
          ArrayNode names = body.putArray("packageNames");
          composer.packageNames().stream().filter(wanted).forEach(names::add);
          send(exchange, 200, body);
        });
  }

  /**
   * packagist's {@code filter}: the whole name matches, {@code *} is any run of characters, case
   * does not matter ({@code acme/*}, {@code *-bundle}).
   */
  static Predicate<String> glob(String filter) {
    String regex =
        Arrays.stream(filter.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*"));
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
        .asMatchPredicate();
  }

  private static HttpHandler blocking(HttpHandler handler) {
    HttpHandler guarded =
        exchange -> {
          if (JsonResponses.methodAllowed(exchange, Methods.GET, Methods.HEAD)) {
            handler.handleRequest(exchange);
          }
        };
    return exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(new FailureHandler(guarded));
        return;
      }
      guarded.handleRequest(exchange);
    };
  }

  private static void send(HttpServerExchange exchange, int status, ObjectNode body)
      throws IOException {
    byte[] bytes = JsonResponses.JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().put(Headers.VARY, "Accept-Encoding");
    if (AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
      try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
        gzip.write(bytes);
      }
      bytes = out.toByteArray();
      exchange.getResponseHeaders().put(Headers.CONTENT_ENCODING, "gzip");
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    exchange.setResponseContentLength(bytes.length);
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.endExchange();
      return;
    }
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }
}
