package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.ContentTypes;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.AcceptEncoding;
import io.metamirror.protocol.http.ConditionalRequest;
import io.metamirror.protocol.http.EntityTags;
import io.metamirror.protocol.http.HttpDate;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Serves a file of the store: strong ETag from its sha256 and Last-Modified from its journal time
 * (the same on every node), 304 on validators, the precompressed twin when the client accepts gzip
 * (its own ETag, {@code Vary: Accept-Encoding}), Cache-Control by path, the node's seq. Nothing is
 * compressed per request. A path the store does not have goes to {@code onMiss}.
 *
 * <p><b>Small files</b> (up to {@link SmallFileCache#maxFileBytes()}) are answered on the I/O
 * thread, from the {@link SmallFileCache} when it has them (no system call, headers formatted
 * once), else read whole from disk, and cached when the cache admits them and they are the listed
 * version: the body hashes to its sha256, the twin carries its journal time or inflates to the
 * body. <b>Larger files</b> are sent from a worker thread with {@code transferFrom} (sendfile on
 * plain HTTP).
 *
 * <p>Validators come from the local manifest, which a commit updates just after renaming the page's
 * files into place. In between, a file read from disk can be newer than its ETag and Last-Modified
 * say; it is then served but not cached. A client that keeps it revalidates with the older
 * validators and gets the current version, so the window heals itself. The opposite order could pin
 * old content under new validators.
 *
 * <p>Symlinks are never followed: the agent never makes one, so one found in the store was planted,
 * and the file is treated as missing. Every directory between the store's root (resolved once) and
 * the file is checked with {@code lstat}, and the file is opened with {@code O_NOFOLLOW}.
 */
final class LocalFileHandler implements MirrorServer.ContentHandler {
  private final Store store;
  private final CachePolicy cachePolicy;
  private final SmallFileCache cache;
  private final MirrorServer.ContentHandler onMiss;
  private final Path root;
  private volatile SeqHeader seqHeader = new SeqHeader(-1, "");

  /** The node's seq as a header value, formatted once per seq. */
  private record SeqHeader(long seq, String text) {}

  /** A small file read whole, and its modification time. */
  private record Content(byte[] bytes, long modifiedMillis) {}

  LocalFileHandler(
      Store store,
      CachePolicy cachePolicy,
      SmallFileCache cache,
      MirrorServer.ContentHandler onMiss)
      throws IOException {
    this.store = store;
    this.cachePolicy = cachePolicy;
    this.cache = cache;
    this.onMiss = onMiss;
    this.root = store.root().toRealPath();
  }

  @Override
  public void handle(HttpServerExchange exchange, ContentPath path) throws Exception {
    long generation = cache.generation(); // before the manifest: see SmallFileCache
    LocalFile file = store.file(path);
    if (file == null) {
      onMiss.handle(exchange, path);
      return;
    }
    CachedFile cached = cache.get(path, file);
    if (cached == null && cache.admits(file.size())) {
      cached = fill(path, file, generation);
      if (cached == null) {
        onMiss.handle(exchange, path); // listed but gone (a delete is being committed) or a link
        return;
      }
    }
    if (cached != null) {
      send(exchange, cached);
    } else {
      sendFromDisk(exchange, path, file);
    }
  }

  private void send(HttpServerExchange exchange, CachedFile file) {
    boolean gzip =
        file.gzip != null
            && AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
    String etag = gzip ? file.gzipEtag : file.etag;
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Headers.ETAG, etag);
    out.put(Headers.LAST_MODIFIED, file.lastModified);
    out.put(Headers.CONTENT_TYPE, file.contentType);
    if (file.cacheControl != null) {
      out.put(Headers.CACHE_CONTROL, file.cacheControl);
    }
    if (file.vary) {
      out.put(Headers.VARY, "Accept-Encoding");
    }
    out.put(Responses.SOURCE, "local");
    out.put(Responses.SEQ, seqText());
    if (ConditionalRequest.of(exchange.getRequestHeaders()::getFirst)
        .notModified(etag, file.modified)) {
      exchange.setStatusCode(304);
      exchange.endExchange();
      return;
    }
    if (gzip) {
      out.put(Headers.CONTENT_ENCODING, "gzip");
    }
    byte[] body = gzip ? file.gzip : file.plain;
    exchange.setResponseContentLength(body.length);
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.endExchange();
      return;
    }
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /**
   * Reads a small file and its twin whole, and caches them when they are the listed version. Null
   * when the file is missing or not a regular file of the store.
   */
  private CachedFile fill(ContentPath path, LocalFile version, long generation) throws IOException {
    Path target = path.resolveUnder(root);
    Content plain = readSmall(target);
    if (plain == null) {
      return null;
    }
    boolean twinPossible = store.wantsTwin(path);
    Content twin = twinPossible ? readSmall(Store.twinFile(target)) : null;
    CachedFile file =
        new CachedFile(
            version,
            plain.bytes(),
            twin == null ? null : twin.bytes(),
            HttpDate.format(Instant.ofEpochMilli(version.time())),
            ContentTypes.of(path),
            cachePolicy.valueFor(path),
            twinPossible);
    if (plain.bytes().length == version.size()
        && Sha256.of(plain.bytes()).equals(version.sha256())
        && (twin == null
            || twin.modifiedMillis() == version.time()
            || inflatesTo(twin.bytes(), plain.bytes()))) {
      cache.put(path, file, generation);
    }
    return file;
  }

  /**
   * Answers from the files as they are on disk, with headers formatted for this request: a small
   * file is read whole here on the I/O thread, a large one is sent from a worker with {@code
   * transferFrom} (sendfile on plain HTTP).
   */
  private void sendFromDisk(HttpServerExchange exchange, ContentPath path, LocalFile file)
      throws Exception {
    Path target = path.resolveUnder(root);
    boolean twinPossible = store.wantsTwin(path);
    boolean gzip =
        twinPossible
            && AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
    boolean small = file.size() <= cache.maxFileBytes();
    Content content = null;
    FileChannel channel = null;
    if (small) {
      content = gzip ? readSmall(Store.twinFile(target)) : null;
      gzip = content != null;
      if (content == null) {
        content = readSmall(target);
      }
    } else {
      channel = gzip ? open(Store.twinFile(target)) : null;
      gzip = channel != null;
      if (channel == null) {
        channel = open(target);
      }
    }
    if (content == null && channel == null) {
      onMiss.handle(exchange, path);
      return;
    }
    String etag = EntityTags.of(file.sha256(), gzip);
    Instant modified = Instant.ofEpochMilli(file.time());
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Headers.ETAG, etag);
    out.put(Headers.LAST_MODIFIED, HttpDate.format(modified));
    out.put(Headers.CONTENT_TYPE, ContentTypes.of(path));
    String cacheControl = cachePolicy.valueFor(path);
    if (cacheControl != null) {
      out.put(Headers.CACHE_CONTROL, cacheControl);
    }
    if (twinPossible) {
      out.put(Headers.VARY, "Accept-Encoding");
    }
    out.put(Responses.SOURCE, "local");
    out.put(Responses.SEQ, seqText());
    boolean notModified =
        ConditionalRequest.of(exchange.getRequestHeaders()::getFirst).notModified(etag, modified);
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    if (channel != null && (notModified || head)) {
      channel.close();
    }
    if (notModified) {
      exchange.setStatusCode(304);
      exchange.endExchange();
      return;
    }
    if (gzip) {
      out.put(Headers.CONTENT_ENCODING, "gzip");
    }
    exchange.setResponseContentLength(content != null ? content.bytes().length : channel.size());
    if (head) {
      exchange.endExchange();
    } else if (content != null) {
      exchange.getResponseSender().send(ByteBuffer.wrap(content.bytes()));
    } else {
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
  }

  private String seqText() {
    Cursor cursor = store.cursor();
    SeqHeader header = seqHeader;
    if (header.seq() != cursor.seq()) {
      header = new SeqHeader(cursor.seq(), Long.toString(cursor.seq()));
      seqHeader = header;
    }
    return header.text();
  }

  /**
   * A regular file of the store of at most the small-file size, whole, or null when it is not that
   * (missing, reached through a link, or grown past the limit since it was listed: a newer version
   * is being committed, and the origin has it).
   */
  private Content readSmall(Path file) throws IOException {
    BasicFileAttributes attributes = regularFile(file);
    if (attributes == null || attributes.size() > cache.maxFileBytes()) {
      return null;
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      if (size > cache.maxFileBytes()) {
        return null;
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // until full or at the end
      }
      byte[] bytes =
          buffer.hasRemaining() ? Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
      return new Content(bytes, attributes.lastModifiedTime().toMillis());
    } catch (IOException e) {
      return null; // gone since the lstat, or ELOOP: a link swapped in after it
    }
  }

  /** Opens a regular file of the store, or returns null (see {@link #regularFile}). */
  private FileChannel open(Path file) {
    if (regularFile(file) == null) {
      return null;
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null; // gone since the lstat, or ELOOP: a link swapped in after it
    }
  }

  /**
   * The attributes of {@code file} (under the root) if it is a regular file reached without a
   * symlink: each directory below the root is checked with lstat, then the file itself. Null
   * otherwise, a FIFO included (its open would block).
   */
  private BasicFileAttributes regularFile(Path file) {
    try {
      Path dir = root;
      for (int i = root.getNameCount(); i < file.getNameCount() - 1; i++) {
        dir = dir.resolve(file.getName(i));
        if (!Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isDirectory()) {
          return null;
        }
      }
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() ? attributes : null;
    } catch (IOException e) {
      return null; // missing
    }
  }

  /** Whether {@code gzip} is a whole gzip stream of exactly {@code plain}. */
  static boolean inflatesTo(byte[] gzip, byte[] plain) {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(gzip), Math.max(512, gzip.length))) {
      byte[] out = new byte[plain.length + 1];
      int n = 0;
      int r;
      while (n < out.length && (r = in.read(out, n, out.length - n)) > 0) {
        n += r;
      }
      return n == plain.length && Arrays.equals(out, 0, n, plain, 0, n);
    } catch (IOException e) {
      return false;
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
