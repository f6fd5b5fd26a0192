package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.ConditionalRequest;
import io.metamirror.protocol.http.EntityTags;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code GET /.metamirror/blobs/<sha256>}: immutable content by hash. */
final class BlobHandler implements HttpHandler {
  private final OriginRepository repository;

  BlobHandler(OriginRepository repository) {
    this.repository = repository;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!JsonResponses.methodAllowed(exchange, Methods.GET, Methods.HEAD)) {
      return;
    }
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    String hex =
        exchange.getRelativePath().startsWith("/")
            ? exchange.getRelativePath().substring(1)
            : exchange.getRelativePath();
    Sha256 sha256;
    try {
      sha256 = Sha256.parse(hex);
    } catch (IllegalArgumentException e) {
      JsonResponses.error(exchange, 400, e.getMessage());
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(new FailureHandler(this));
      return;
    }
    Path blob = repository.blobPath(sha256);
    long size;
    try {
      size = Files.size(blob);
    } catch (NoSuchFileException e) {
      JsonResponses.error(exchange, 404, "no blob " + sha256);
      return;
    }
    String etag = EntityTags.of(sha256);
    exchange.getResponseHeaders().put(Headers.ETAG, etag);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=31536000, immutable");
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
    if (ConditionalRequest.of(exchange.getRequestHeaders()::getFirst).notModified(etag, null)) {
      exchange.setStatusCode(304);
      return;
    }
    exchange.setResponseContentLength(size);
    if (head) {
      return;
    }
    exchange.startBlocking();
    try (InputStream in = Files.newInputStream(blob);
        OutputStream out = exchange.getOutputStream()) {
      in.transferTo(out);
    }
  }
}
