package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.ContentTypes;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.AcceptEncoding;
import io.metamirror.protocol.http.ConditionalRequest;
import io.metamirror.protocol.http.DirectoryIndex;
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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
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
 * once), else read whole from disk, and cached when the cache admits them. <b>Larger files</b> are
 * sent from a worker thread with {@code transferFrom} (sendfile on plain HTTP).
 *
 * <p><b>Integrity</b> (issue 17 item 5): bytes from disk are served only once they are known to be
 * the listed version, hashed against the manifest's sha256 the first time the file is served after
 * start and whenever its size, mtime or inode changed since ({@link VerifiedFiles}; the cache holds
 * only such bytes, so a cached hit hashes nothing). A twin must inflate to that sha256. A file that
 * is not the listed version goes to {@code onMiss}, the origin; a bad twin is passed over for the
 * file.
 *
 * <p>Validators come from the local manifest, which a commit updates just after renaming the page's
 * files into place. In between, a file read from disk can be newer than its ETag and Last-Modified
 * say; it does not hash to them, so the origin answers (a mismatch found once the manifest moved on
 * is not counted as damage). The opposite order could pin old content under new validators.
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
  private final VerifiedFiles verified;
  private volatile SeqHeader seqHeader = new SeqHeader(-1, "");

  /** The node's seq as a header value, formatted once per seq. */
  private record SeqHeader(long seq, String text) {}

  /** A small file read whole, and what it was when it was opened. */
  private record Content(byte[] bytes, BasicFileAttributes attributes) {}

  /** A large file open for sending, and what it was when it was opened. */
  private record Opened(FileChannel channel, BasicFileAttributes attributes) {}

  LocalFileHandler(
      Store store,
      CachePolicy cachePolicy,
      SmallFileCache cache,
      VerifiedFiles verified,
      MirrorServer.ContentHandler onMiss)
      throws IOException {
    this.store = store;
    this.verified = verified;
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
      ContentPath index = DirectoryIndex.redirectingIndex(path);
      if (index != null && store.file(index) != null) {
        IndexResponses.redirectToDirectory(exchange);
      } else {
        onMiss.handle(exchange, path);
      }
      return;
    }
    CachedFile cached = cache.get(path, file);
    if (cached == null && cache.admits(file.size())) {
      cached = fill(path, file, generation);
      if (cached == null) {
        // listed but gone (a delete is being committed), a link, or not the listed bytes
        onMiss.handle(exchange, path);
        return;
      }
    }
    if (cached != null) {
      send(exchange, cached);
    } else if (file.size() <= cache.maxFileBytes() || !exchange.isInIoThread()) {
      sendFromDisk(exchange, path, file);
    } else {
      exchange.dispatch(ex -> sendFromDisk(ex, path, file)); // may hash it: not on the I/O thread
    }
  }

  /** The first index of the directory the store lists answers; else the origin does. */
  @Override
  public void handleIndex(HttpServerExchange exchange, DirectoryIndex index) throws Exception {
    for (ContentPath candidate : index.candidates()) {
      if (store.file(candidate) != null) {
        IndexResponses.typedAsIndex(exchange, index, candidate);
        handle(exchange, candidate);
        return;
      }
    }
    onMiss.handleIndex(exchange, index);
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
   * Reads a small file and its twin whole, checks them against the version (see {@link
   * VerifiedFiles}) and caches them. Null when the file is missing, not a regular file of the
   * store, or not the listed bytes; a bad twin is left out.
   */
  private CachedFile fill(ContentPath path, LocalFile version, long generation) throws IOException {
    Path target = path.resolveUnder(root);
    Content plain = readSmall(target);
    if (plain == null || !checkPlain(path, version, plain)) {
      return null;
    }
    boolean twinPossible = store.wantsTwin(path, version.size());
    Content twin = twinPossible ? readSmall(Store.twinFile(target)) : null;
    if (twin != null && !checkTwin(path, version, twin)) {
      twin = null;
    }
    CachedFile file =
        new CachedFile(
            version,
            plain.bytes(),
            twin == null ? null : twin.bytes(),
            HttpDate.format(Instant.ofEpochMilli(version.time())),
            ContentTypes.of(path),
            cachePolicy.valueFor(path),
            twinPossible);
    cache.put(path, file, generation);
    return file;
  }

  /** Whether {@code plain} is the listed version of {@code path}: remembered, or hashed now. */
  private boolean checkPlain(ContentPath path, LocalFile version, Content plain) {
    VerifiedFiles.Stamp stamp = VerifiedFiles.Stamp.of(version.sha256(), plain.attributes());
    Boolean known = verified.known(path, false, stamp);
    if (known != null) {
      return known;
    }
    Sha256 actual = Sha256.of(plain.bytes());
    return checked(path, false, version, stamp, actual, actual.toString());
  }

  /** Whether {@code twin} inflates to the listed version of {@code path}. */
  private boolean checkTwin(ContentPath path, LocalFile version, Content twin) {
    VerifiedFiles.Stamp stamp = VerifiedFiles.Stamp.of(version.sha256(), twin.attributes());
    Boolean known = verified.known(path, true, stamp);
    if (known != null) {
      return known;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(twin.bytes()))) {
      Sha256 actual = Sha256.of(in);
      return checked(path, true, version, stamp, actual, "inflates to " + actual);
    } catch (IOException e) {
      return checked(path, true, version, stamp, null, "not gzip: " + e.getMessage());
    }
  }

  /**
   * Whether a large file, open in {@code channel} at position 0, is the listed version of {@code
   * path} (inflated first when it is the {@code twin}); leaves the channel at position 0.
   */
  private boolean checkLarge(ContentPath path, boolean twin, LocalFile version, Opened file)
      throws IOException {
    VerifiedFiles.Stamp stamp = VerifiedFiles.Stamp.of(version.sha256(), file.attributes());
    Boolean known = verified.known(path, twin, stamp);
    if (known != null) {
      return known;
    }
    Sha256 actual;
    String description;
    // The streams are not closed: that would close the channel, which is sent next.
    InputStream in = Channels.newInputStream(file.channel());
    try {
      actual = Sha256.of(twin ? new GZIPInputStream(in) : in);
      description = twin ? "inflates to " + actual : actual.toString();
    } catch (IOException e) {
      if (!file.channel().isOpen()) {
        throw e;
      }
      actual = null;
      description = (twin ? "not gzip: " : "unreadable: ") + e.getMessage();
    }
    file.channel().position(0);
    return checked(path, twin, version, stamp, actual, description);
  }

  /**
   * Remembers a file that hashed to its version; otherwise records the mismatch, unless the
   * manifest moved on meanwhile (a commit renamed a newer version into place: not damage).
   */
  private boolean checked(
      ContentPath path,
      boolean twin,
      LocalFile version,
      VerifiedFiles.Stamp stamp,
      Sha256 actual,
      String description) {
    if (version.sha256().equals(actual)) {
      verified.verified(path, twin, stamp);
      return true;
    }
    if (version.equals(
        store.file(path))) { // still listed: the manifest makes a new object each time
      verified.mismatch(path, twin, stamp, description);
    }
    return false;
  }

  /**
   * Answers from the files as they are on disk, with headers formatted for this request: a small
   * file is read whole here on the I/O thread, a large one is sent from a worker with {@code
   * transferFrom} (sendfile on plain HTTP).
   */
  private void sendFromDisk(HttpServerExchange exchange, ContentPath path, LocalFile file)
      throws Exception {
    Path target = path.resolveUnder(root);
    boolean twinPossible = store.wantsTwin(path, file.size());
    boolean gzip =
        twinPossible
            && AcceptEncoding.allowsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
    boolean small = file.size() <= cache.maxFileBytes();
    Content content = null;
    FileChannel channel = null;
    if (small) {
      content = gzip ? readSmall(Store.twinFile(target)) : null;
      if (content != null && !checkTwin(path, file, content)) {
        content = null; // a bad twin is never served: the file is
      }
      gzip = content != null;
      if (content == null) {
        content = readSmall(target);
        if (content != null && !checkPlain(path, file, content)) {
          content = null;
        }
      }
    } else {
      channel = gzip ? openChecked(path, true, file, Store.twinFile(target)) : null;
      gzip = channel != null;
      if (channel == null) {
        channel = openChecked(path, false, file, target);
      }
    }
    if (content == null && channel == null) {
      onMiss.handle(exchange, path); // missing, a link, or not the listed bytes
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
      return new Content(bytes, attributes);
    } catch (IOException e) {
      return null; // gone since the lstat, or ELOOP: a link swapped in after it
    }
  }

  /**
   * Opens a regular file of the store (see {@link #regularFile}) that is the listed version of
   * {@code path} ({@link #checkLarge}), or returns null.
   */
  private FileChannel openChecked(ContentPath path, boolean twin, LocalFile version, Path file)
      throws IOException {
    BasicFileAttributes attributes = regularFile(file);
    if (attributes == null) {
      return null;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null; // gone since the lstat, or ELOOP: a link swapped in after it
    }
    try {
      if (checkLarge(path, twin, version, new Opened(channel, attributes))) {
        return channel;
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    closeQuietly(channel);
    return null;
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

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
