package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.DirectoryIndex;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/** The node's answers that a directory's index adds to those of files ({@link DirectoryIndex}). */
final class IndexResponses {
  private IndexResponses() {}

  /**
   * Makes the answer that {@code served}, one of the index's files, is about to get typed as the
   * index: its {@code Content-Type} (PEP 691's for {@code index.json}) and {@code Vary: Accept}.
   * They are set as the answer commits, since the file's own headers come from the code that serves
   * file requests, whichever way it sends the file.
   */
  static void typedAsIndex(HttpServerExchange exchange, DirectoryIndex index, ContentPath served) {
    String contentType = index.contentType(served);
    exchange.addResponseCommitListener(
        ex -> {
          HeaderMap out = ex.getResponseHeaders();
          out.put(Headers.VARY, DirectoryIndex.varyWithAccept(out.getFirst(Headers.VARY)));
          if (ex.getStatusCode() == 200 || ex.getStatusCode() == 304) {
            out.put(Headers.CONTENT_TYPE, contentType);
          }
        });
  }

  /** 301 from {@code /simple/demo-pkg} to {@code demo-pkg/}, as PyPI redirects. */
  static void redirectToDirectory(HttpServerExchange exchange) {
    exchange.setStatusCode(301);
    exchange
        .getResponseHeaders()
        .put(
            Headers.LOCATION,
            DirectoryIndex.redirectLocation(exchange.getRequestURI(), exchange.getQueryString()))
        .put(Responses.SOURCE, "local");
    exchange.endExchange();
  }
}
