package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.ContentTypes;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Date;

/**
 * Serves a file of the store: strong ETag from its sha256 and Last-Modified from its journal time
 * (the same on every node), 304 on validators, the precompressed twin when the client accepts gzip
 * (its own ETag, {@code Vary: Accept-Encoding}), Cache-Control by path, the node's seq. The body
 * goes out with sendfile; nothing is compressed per request. A path the store does not have goes to
 * {@code onMiss}.
 *
 * <p>Validators come from the local manifest, which a commit updates just after renaming the page's
 * files into place. In between, a file can be newer than its ETag and Last-Modified say; a client
 * that caches it then revalidates with the older validators and gets the current version, so the
 * window heals itself. The opposite order could pin old content under new validators.
 *
 * <p>Symlinks are never followed: the agent never makes one, so one found in the store was planted,
 * and the file is treated as missing.
 */
final class LocalFileHandler implements HttpHandler {
  private final Store store;
  private final CachePolicy cache;
  private final HttpHandler onMiss;
  private final Path root;

  LocalFileHandler(Store store, CachePolicy cache, HttpHandler onMiss) throws IOException {
    this.store = store;
    this.cache = cache;
    this.onMiss = onMiss;
    this.root = store.root().toRealPath();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    ContentPath path = exchange.getAttachment(MirrorServer.CONTENT_PATH);
    LocalFile file = store.file(path);
    if (file == null) {
      onMiss.handleRequest(exchange);
      return;
    }
    Path target = store.pathOf(path);
    boolean twinPossible = store.wantsTwin(path);
    boolean gzip = twinPossible && Validators.acceptsGzip(exchange);
    FileChannel channel = null;
    if (gzip) {
      channel = open(target.resolveSibling(target.getFileName() + ".gz"));
      gzip = channel != null;
    }
    if (channel == null) {
      channel = open(target);
    }
    if (channel == null) {
      onMiss.handleRequest(exchange); // listed but gone: a delete is being committed
      return;
    }
    String etag = '"' + file.sha256().hex() + (gzip ? "-gzip" : "") + '"';
    String lastModified = DateUtils.toDateString(new Date(file.time()));
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Headers.ETAG, etag);
    out.put(Headers.LAST_MODIFIED, lastModified);
    out.put(Headers.CONTENT_TYPE, ContentTypes.of(path));
    String cacheControl = cache.valueFor(path);
    if (cacheControl != null) {
      out.put(Headers.CACHE_CONTROL, cacheControl);
    }
    if (twinPossible) {
      out.put(Headers.VARY, "Accept-Encoding");
    }
    out.put(Responses.SOURCE, "local");
    out.put(Responses.SEQ, store.cursor().seq());
    if (Validators.notModified(exchange, etag, lastModified)) {
      channel.close();
      exchange.setStatusCode(304);
      exchange.endExchange();
      return;
    }
    if (gzip) {
      out.put(Headers.CONTENT_ENCODING, "gzip");
    }
    long size = channel.size();
    exchange.setResponseContentLength(size);
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      channel.close();
      exchange.endExchange();
      return;
    }
    FileChannel body = channel;
    exchange
        .getResponseSender()
        .transferFrom(
            body,
            new IoCallback() {
              @Override
              public void onComplete(HttpServerExchange ex, Sender sender) {
                closeQuietly(body);
                IoCallback.END_EXCHANGE.onComplete(ex, sender);
              }

              @Override
              public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                closeQuietly(body);
                IoCallback.END_EXCHANGE.onException(ex, sender, e);
              }
            });
  }

  /** Opens a regular file of the store, or null when it is missing or reached through a link. */
  private FileChannel open(Path file) throws IOException {
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      if (!file.getParent().toRealPath().startsWith(root)) {
        channel.close();
        return null;
      }
      return channel;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // ELOOP from NOFOLLOW_LINKS on a symlink, or a directory where a file should be.
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
