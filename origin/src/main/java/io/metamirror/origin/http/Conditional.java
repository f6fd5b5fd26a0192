package io.metamirror.origin.http;

import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentTypes;
import io.metamirror.protocol.http.ConditionalRequest;
import io.metamirror.protocol.http.EntityTags;
import io.metamirror.protocol.http.HttpDate;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.time.Instant;

/**
 * Validators of a file as response headers: a strong ETag from its sha256 and Last-Modified from
 * its journal time, both the same on every node ({@link EntityTags}); the 304 decision is {@link
 * ConditionalRequest}'s.
 */
final class Conditional {
  private Conditional() {}

  /**
   * Sets ETag (that of the gzip-encoded variant when {@code gzip}), Last-Modified and Content-Type;
   * returns true when the answer is 304.
   */
  static boolean notModified(HttpServerExchange exchange, TreeFile file, boolean gzip) {
    String etag = EntityTags.of(file.sha256(), gzip);
    Instant modified = Instant.ofEpochMilli(file.time());
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Headers.ETAG, etag);
    out.put(Headers.LAST_MODIFIED, HttpDate.format(modified));
    out.put(Headers.CONTENT_TYPE, ContentTypes.of(file.path()));
    return ConditionalRequest.of(exchange.getRequestHeaders()::getFirst)
        .notModified(etag, modified);
  }
}
