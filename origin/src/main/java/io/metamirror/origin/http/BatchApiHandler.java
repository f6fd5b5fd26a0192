package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;

/**
 * {@code POST /.metamirror/api/batch}: publishes a list of puts and deletes atomically (see {@link
 * BatchParser} for the body). 400 lists every problem; 422 when a content hash was wrong; 415 for a
 * body that is declared not to be JSON; nothing is journaled for a rejected batch.
 */
final class BatchApiHandler implements HttpHandler {
  private final OriginRepository repository;
  private final BatchParser parser;

  BatchApiHandler(OriginRepository repository) {
    this.repository = repository;
    this.parser = new BatchParser(repository);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!JsonResponses.methodAllowed(exchange, Methods.POST)
        || !JsonResponses.jsonContentType(exchange)) {
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(new FailureHandler(this));
      return;
    }
    exchange.startBlocking();
    BatchParser.Result batch = parser.parse(exchange.getInputStream());
    if (!batch.problems().isEmpty()) {
      JsonResponses.problems(
          exchange,
          batch.digestMismatch() ? 422 : 400,
          batch.digestMismatch() ? "content does not match its sha256" : "invalid batch",
          batch.problems());
      return;
    }
    PublishResponses.send(exchange, repository.publish(batch.changes()));
  }
}
