package io.metamirror.mirror.node;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.Headers;
import java.util.Date;

/**
 * The 304 decision for a representation with a strong ETag and a Last-Modified, per RFC 9110 §13.1:
 * If-None-Match wins when present; If-Modified-Since compares whole seconds.
 */
final class Validators {
  private Validators() {}

  static boolean notModified(HttpServerExchange exchange, String etag, String lastModified) {
    String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      if (etag == null) {
        return false;
      }
      for (String candidate : ifNoneMatch.split(",")) {
        String c = candidate.trim();
        if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String ifModifiedSince = exchange.getRequestHeaders().getFirst(Headers.IF_MODIFIED_SINCE);
    if (ifModifiedSince == null || lastModified == null) {
      return false;
    }
    Date since = DateUtils.parseDate(ifModifiedSince);
    Date modified = DateUtils.parseDate(lastModified);
    return since != null && modified != null && modified.getTime() / 1000 <= since.getTime() / 1000;
  }

  static boolean acceptsGzip(HttpServerExchange exchange) {
    String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING);
    if (accept == null) {
      return false;
    }
    for (String part : accept.split(",")) {
      String[] pieces = part.trim().split(";");
      String coding = pieces[0].trim();
      if (coding.equalsIgnoreCase("gzip") || coding.equals("*")) {
        for (int i = 1; i < pieces.length; i++) {
          String p = pieces[i].trim().replace(" ", "");
          if (p.startsWith("q=")) {
            try {
              return Double.parseDouble(p.substring(2)) > 0;
            } catch (NumberFormatException e) {
              return false;
            }
          }
        }
        return true;
      }
    }
    return false;
  }
}
