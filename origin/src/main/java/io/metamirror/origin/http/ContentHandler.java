package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.http.AcceptEncoding;
import io.metamirror.protocol.http.CompressedTypes;
import io.metamirror.protocol.http.DirectoryIndex;
import io.metamirror.protocol.http.OriginHeaders;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Optional;

/**
 * {@code GET /<path>}: the current version of a file, the URL space mirrors fall back to. A client
 * that accepts gzip gets compressible files gzip-encoded on the fly (ETag {@code "<sha256>-gzip"},
 * as mirror nodes give their precompressed twins; Composer's mirror script requires gzip on {@code
 * packages.json}); a mirror's fallback asks for it when its own client does.
 *
 * <p>A directory ({@code /simple/demo-pkg/}) is answered with its index, and a missing file whose
 * {@code <path>/index.html} exists with a redirect to that directory ({@link DirectoryIndex}).
 *
 * <p>Every answer for a valid path, 404 included, names the epoch and the head it holds at ({@link
 * OriginHeaders}): the head is read before the lookup, so a mirror that remembers the 404 can tell
 * when a later publish may have made it wrong.
 */
final class ContentHandler implements HttpHandler {
  private static final HttpString EPOCH = new HttpString(OriginHeaders.EPOCH);
  private static final HttpString HEAD = new HttpString(OriginHeaders.HEAD);

  private final OriginRepository repository;

  ContentHandler(OriginRepository repository) {
    this.repository = repository;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!JsonResponses.methodAllowed(exchange, Methods.GET, Methods.HEAD)) {
      return;
    }
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    String requestPath = exchange.getRequestPath();
    if (requestPath.equals("/")) {
      JsonResponses.error(exchange, 404, "not found");
      return;
    }
    ContentPath path;
    DirectoryIndex index = null;
    try {
      if (DirectoryIndex.isDirectory(requestPath)) {
        index = RequestPaths.directoryIndex(exchange, requestPath.substring(1));
        path = index.directory();
      } else {
        path = RequestPaths.contentPath(exchange, requestPath.substring(1));
      }
    } catch (BadPathException e) {
      JsonResponses.error(exchange, 400, e.getMessage());
      return;
    }
    long at = repository.head(); // before the lookup: the answer then holds at this seq
    Optional<TreeFile> found = index == null ? repository.file(path) : firstIndex(index);
    exchange.getResponseHeaders().put(EPOCH, repository.epoch().value()).put(HEAD, at);
    if (found.isEmpty()) {
      ContentPath redirecting = index == null ? DirectoryIndex.redirectingIndex(path) : null;
      if (redirecting != null && repository.file(redirecting).isPresent()) {
        exchange.setStatusCode(301);
        exchange
            .getResponseHeaders()
            .put(
                Headers.LOCATION,
                DirectoryIndex.redirectLocation(
                    exchange.getRequestURI(), exchange.getQueryString()));
        exchange.endExchange();
        return;
      }
      JsonResponses.error(exchange, 404, "not found: " + path);
      return;
    }
    TreeFile file = found.get();
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    boolean compressible = CompressedTypes.worthGzip(file.path(), file.size());
    boolean gzip =
        compressible
            && AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
    if (compressible) {
      exchange.getResponseHeaders().put(Headers.VARY, "Accept-Encoding");
    }
    boolean notModified = Conditional.notModified(exchange, file, gzip);
    if (index != null) {
      HeaderMap out = exchange.getResponseHeaders();
      out.put(Headers.CONTENT_TYPE, index.contentType(file.path()));
      out.put(Headers.VARY, DirectoryIndex.varyWithAccept(out.getFirst(Headers.VARY)));
    }
    if (notModified) {
      exchange.setStatusCode(304);
      exchange.endExchange();
      return;
    }
    if (gzip) {
      exchange.getResponseHeaders().put(Headers.CONTENT_ENCODING, "gzip");
    } else {
      exchange.setResponseContentLength(file.size());
    }
    if (head) {
      exchange.endExchange();
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(() -> send(exchange, file, gzip));
      return;
    }
    send(exchange, file, gzip);
  }

  /** The first of the directory's indexes the tree has. */
  private Optional<TreeFile> firstIndex(DirectoryIndex index) {
    for (ContentPath candidate : index.candidates()) {
      Optional<TreeFile> file = repository.file(candidate);
      if (file.isPresent()) {
        return file;
      }
    }
    return Optional.empty();
  }

  private void send(HttpServerExchange exchange, TreeFile file, boolean gzip) {
    exchange.startBlocking();
    try (InputStream in = Files.newInputStream(repository.blobPath(file.sha256()));
        OutputStream out =
            gzip
                ? new java.util.zip.GZIPOutputStream(exchange.getOutputStream(), 64 * 1024)
                : exchange.getOutputStream()) {
      in.transferTo(out);
    } catch (java.io.IOException e) {
      // The client went away or the blob vanished; the response is already under way.
      exchange.setPersistent(false);
    }
  }
}
