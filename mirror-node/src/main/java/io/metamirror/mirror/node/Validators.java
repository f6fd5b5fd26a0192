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
    Date modified = lastModified == null ? null : DateUtils.parseDate(lastModified);
    return notModified(exchange, etag, modified == null ? -1 : modified.getTime() / 1000);
  }

  /**
   * As {@link #notModified(HttpServerExchange, String, String)}, with Last-Modified given as epoch
   * seconds (-1: none), so that a cached representation parses nothing when no validator is sent.
   */
  static boolean notModified(HttpServerExchange exchange, String etag, long modifiedSeconds) {
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
    if (ifModifiedSince == null || modifiedSeconds < 0) {
      return false;
    }
    Date since = DateUtils.parseDate(ifModifiedSince);
    return since != null && modifiedSeconds <= since.getTime() / 1000;
  }

  static boolean acceptsGzip(HttpServerExchange exchange) {
    String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING);
    if (accept == null) {
      return false;
    }
    if (accept.indexOf(';') < 0) {
      return listsGzip(accept); // no q-values: the common "gzip, deflate, br", without splitting
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

  /** Whether a comma-separated list without parameters names gzip or {@code *}. */
  private static boolean listsGzip(String accept) {
    int start = 0;
    while (start <= accept.length()) {
      int comma = accept.indexOf(',', start);
      int end = comma < 0 ? accept.length() : comma;
      int from = start;
      int to = end;
      while (from < to && accept.charAt(from) <= ' ') {
        from++;
      }
      while (to > from && accept.charAt(to - 1) <= ' ') {
        to--;
      }
      int length = to - from;
      if ((length == 4 && accept.regionMatches(true, from, "gzip", 0, 4))
          || (length == 1 && accept.charAt(from) == '*')) {
        return true;
      }
      if (comma < 0) {
        return false;
      }
      start = comma + 1;
    }
    return false;
  }
}
