package io.metamirror.origin.http;

import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.DigestMismatchException;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.origin.repository.StagedBlob;
import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.List;

/**
 * {@code PUT /.metamirror/api/files/<path>} publishes the request body at the path; {@code DELETE}
 * removes it. Each is a batch of one. With {@code X-Metamirror-Sha256} the body must hash to it
 * (422 otherwise). The path is checked before the body is read.
 */
final class FilesApiHandler implements HttpHandler {
  static final HttpString SHA256_HEADER = new HttpString("X-Metamirror-Sha256");

  private final OriginRepository repository;

  FilesApiHandler(OriginRepository repository) {
    this.repository = repository;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!JsonResponses.methodAllowed(exchange, Methods.PUT, Methods.DELETE)) {
      return;
    }
    boolean put = exchange.getRequestMethod().equals(Methods.PUT);
    ContentPath path;
    Sha256 expected = null;
    try {
      String relative = exchange.getRelativePath();
      path =
          RequestPaths.contentPath(
              exchange, relative.startsWith("/") ? relative.substring(1) : relative);
      String announced = exchange.getRequestHeaders().getFirst(SHA256_HEADER);
      if (announced != null) {
        expected = Sha256.parse(announced.trim());
      }
    } catch (BadPathException e) {
      JsonResponses.error(exchange, 400, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      JsonResponses.error(exchange, 400, SHA256_HEADER + ": " + e.getMessage());
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(new FailureHandler(this));
      return;
    }
    if (!put) {
      boolean existed = repository.file(path).isPresent();
      PublishResult result = repository.publish(List.of(Change.delete(path)));
      if (!existed && result.entries().isEmpty()) {
        JsonResponses.error(exchange, 404, "not found: " + path);
        return;
      }
      PublishResponses.send(exchange, result);
      return;
    }
    exchange.startBlocking();
    StagedBlob blob;
    try {
      blob = repository.stage(exchange.getInputStream(), expected);
    } catch (DigestMismatchException e) {
      JsonResponses.error(exchange, 422, e.getMessage());
      return;
    }
    PublishResponses.send(exchange, repository.publish(List.of(Change.put(path, blob))));
  }
}
