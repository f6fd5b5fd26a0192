package io.metamirror.mirror.node;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.undertow.server.HttpServerExchange;
import java.util.Locale;

/**
 * The request path as a {@link ContentPath}. Undertow has percent-decoded it once; encoded
 * separators and raw {@code ;} (Undertow would strip it as path parameters) are refused on the raw
 * URI. Everything else is the path rules' business.
 */
final class MirrorPaths {
  private MirrorPaths() {}

  static ContentPath of(HttpServerExchange exchange) {
    String raw = exchange.getRequestURI();
    String lower = raw.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c")) {
      throw new BadPathException("path must not contain encoded separators (%2F, %5C)");
    }
    if (raw.indexOf(';') >= 0) {
      throw new BadPathException("path must not contain a raw ';' (send it as %3B)");
    }
    String decoded = exchange.getRequestPath();
    if (decoded.isEmpty() || decoded.equals("/")) {
      throw new BadPathException("path is empty");
    }
    return ContentPath.parse(decoded.substring(1));
  }
}
