package io.metamirror.origin.http;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.DirectoryIndex;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Locale;

/**
 * Turns a request's path into a {@link ContentPath}. Undertow has already percent-decoded it, so
 * {@code %2e%2e} arrives as {@code ..} and is refused by the path rules; encoded separators stay
 * encoded in Undertow's decoding and are refused here on the raw URI, as is a raw {@code ;}, which
 * Undertow would otherwise strip as path parameters.
 */
final class RequestPaths {
  private RequestPaths() {}

  static ContentPath contentPath(HttpServerExchange exchange, String decodedPath) {
    checkRaw(exchange);
    return ContentPath.parse(decodedPath);
  }

  /**
   * The request for a directory's index ({@code simple/demo-pkg/}, decoded), judged by the same
   * rules.
   */
  static DirectoryIndex directoryIndex(HttpServerExchange exchange, String decodedPath) {
    checkRaw(exchange);
    return DirectoryIndex.of(decodedPath, exchange.getRequestHeaders().get(Headers.ACCEPT));
  }

  private static void checkRaw(HttpServerExchange exchange) {
    String raw = exchange.getRequestURI().toLowerCase(Locale.ROOT);
    if (raw.contains("%2f") || raw.contains("%5c")) {
      throw new BadPathException("path must not contain encoded separators (%2F, %5C)");
    }
    // Undertow reads ";..." as path parameters and drops it from the decoded path, so "a;b.json"
    // would silently mean "a". A literal ';' must be sent as %3B.
    if (raw.indexOf(';') >= 0) {
      throw new BadPathException("path must not contain a raw ';' (send it as %3B)");
    }
  }
}
