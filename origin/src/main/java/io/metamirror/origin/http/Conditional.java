package io.metamirror.origin.http;

import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentTypes;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.util.Date;

/**
 * Validators of a file: a strong ETag from its sha256 and Last-Modified from its journal time, both
 * the same on every node, and the 304 decision.
 */
final class Conditional {
  private Conditional() {}

  static String etag(TreeFile file) {
    return '"' + file.sha256().hex() + '"';
  }

  /** Sets ETag, Last-Modified and Content-Type; returns true when the answer is 304. */
  static boolean notModified(HttpServerExchange exchange, TreeFile file) {
    return notModified(exchange, file, false);
  }

  /**
   * As {@link #notModified(HttpServerExchange, TreeFile)}, for the gzip-encoded variant when {@code
   * gzip}: its ETag is {@code "<sha256>-gzip"}, the one mirror nodes give their twins.
   */
  static boolean notModified(HttpServerExchange exchange, TreeFile file, boolean gzip) {
    String etag = gzip ? '"' + file.sha256().hex() + "-gzip\"" : etag(file);
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Headers.ETAG, etag);
    out.put(Headers.LAST_MODIFIED, DateUtils.toDateString(new Date(file.time())));
    out.put(Headers.CONTENT_TYPE, ContentTypes.of(file.path()));
    HeaderMap in = exchange.getRequestHeaders();
    String ifNoneMatch = in.getFirst(Headers.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      // RFC 9110 §13.1.2: when If-None-Match is present, If-Modified-Since is ignored.
      return matches(ifNoneMatch, etag);
    }
    String ifModifiedSince = in.getFirst(Headers.IF_MODIFIED_SINCE);
    if (ifModifiedSince != null) {
      Date since = DateUtils.parseDate(ifModifiedSince);
      return since != null && file.time() / 1000 <= since.getTime() / 1000;
    }
    return false;
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
