package io.metamirror.origin.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost handler: an exception that escapes a handler becomes one log line and a JSON error
 * instead of Undertow's bare 500 — 507 when the disk is full, so a publisher knows to free space
 * rather than retry. Nothing was journaled in either case: publishes fail before their commit.
 *
 * <p>{@code exchange.dispatch(handler)} runs only that handler, outside this one, so handlers that
 * move to a worker thread dispatch {@code new FailureHandler(this)}.
 */
final class FailureHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);
  private final HttpHandler next;

  FailureHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    try {
      next.handleRequest(exchange);
    } catch (Exception e) {
      boolean diskFull = isDiskFull(e);
      log.warn(
          "event=request_failed method={} path={} error=\"{}\"",
          exchange.getRequestMethod(),
          exchange.getRequestPath(),
          e.toString().replace('"', '\''));
      if (exchange.isResponseStarted()) {
        exchange.setPersistent(false);
        exchange.endExchange();
        return;
      }
      if (tooBig(e)) {
        JsonResponses.error(
            exchange,
            413,
            "request body larger than "
                + OriginServer.MAX_BODY_BYTES
                + " bytes; send smaller batches (nothing was published)");
        return;
      }
      JsonResponses.error(
          exchange,
          diskFull ? 507 : 500,
          diskFull ? "the origin's disk is full; nothing was published" : "internal error: " + e);
    }
  }

  static boolean tooBig(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.undertow.server.RequestTooBigException) {
        return true;
      }
    }
    return false;
  }

  static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }
}
