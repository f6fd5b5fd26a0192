package io.metamirror.mirror.node;

import io.metamirror.protocol.http.AcceptEncoding;
import io.metamirror.protocol.http.ConditionalRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * What a request says about the representation it wants: its validators and whether it accepts
 * gzip. The rules are protocol's ({@link ConditionalRequest}, {@link AcceptEncoding}), shared with
 * the origin; this only reads the headers.
 */
final class Validators {
  private Validators() {}

  static ConditionalRequest of(HttpServerExchange exchange) {
    HeaderMap in = exchange.getRequestHeaders();
    return new ConditionalRequest(
        in.getFirst(Headers.IF_NONE_MATCH), in.getFirst(Headers.IF_MODIFIED_SINCE));
  }

  static boolean acceptsGzip(HttpServerExchange exchange) {
    return AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
  }
}
