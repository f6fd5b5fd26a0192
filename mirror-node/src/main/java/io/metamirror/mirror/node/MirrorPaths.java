package io.metamirror.mirror.node;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.undertow.server.HttpServerExchange;

/**
 * The request path as a {@link ContentPath}. Undertow has percent-decoded it once; encoded
 * separators and raw {@code ;} (Undertow would strip it as path parameters) are refused on the raw
 * URI. Everything else is the path rules' business.
 */
final class MirrorPaths {
  private MirrorPaths() {}

  static ContentPath of(HttpServerExchange exchange) {
    String raw = exchange.getRequestURI();
    if (hasEncodedSeparator(raw)) {
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

  /** {@code %2F} or {@code %5C} in any case; a scan rather than lower-casing the whole URI. */
  static boolean hasEncodedSeparator(String raw) {
    for (int i = raw.indexOf('%'); i >= 0 && i + 2 < raw.length(); i = raw.indexOf('%', i + 1)) {
      char a = raw.charAt(i + 1);
      char b = raw.charAt(i + 2);
      if ((a == '2' && (b == 'f' || b == 'F')) || (a == '5' && (b == 'c' || b == 'C'))) {
        return true;
      }
    }
    return false;
  }
}
