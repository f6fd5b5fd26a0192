package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.origin.repository.TreeSnapshot;
import io.metamirror.protocol.Manifest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code GET /.metamirror/snapshot}: the whole tree at one seq as a gzip-compressed tar stream. The
 * first member is {@link Manifest#ARCHIVE_NAME}; then every file at its content path, in path
 * order, with its journal time as mtime, in whole seconds (the manifest has the milliseconds). The
 * seq and epoch are also in the {@code X-Metamirror-Seq} and {@code X-Metamirror-Epoch} headers.
 *
 * <p>Consistency while publishing goes on: the tree is copied once under the publish lock, and
 * blobs are immutable, so the stream is exactly the tree at that seq however long it takes. Nothing
 * per file is held beyond that compact copy ({@link TreeSnapshot}): the manifest and the archive
 * are written as the files are reached.
 *
 * <p>{@code GET /.metamirror/manifest} answers the manifest alone.
 */
final class SnapshotHandler implements HttpHandler {
  static final HttpString SEQ = new HttpString("X-Metamirror-Seq");
  static final HttpString EPOCH = new HttpString("X-Metamirror-Epoch");

  private final OriginRepository repository;
  private final boolean manifestOnly;

  SnapshotHandler(OriginRepository repository, boolean manifestOnly) {
    this.repository = repository;
    this.manifestOnly = manifestOnly;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!JsonResponses.methodAllowed(exchange, Methods.GET)) {
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(new FailureHandler(this));
      return;
    }
    TreeSnapshot tree = repository.snapshot();
    exchange.getResponseHeaders().put(SEQ, tree.seq());
    exchange.getResponseHeaders().put(EPOCH, tree.epoch().value());
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.startBlocking();
    if (manifestOnly) {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      try (OutputStream out = new BufferedOutputStream(exchange.getOutputStream(), 64 * 1024)) {
        writeManifest(tree, out);
      }
      return;
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/gzip");
    try (OutputStream body = exchange.getOutputStream();
        GZIPOutputStream gzip = new FastGzip(body);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      // A tar member announces its size: the manifest (~150 MB for a million files) is written
      // twice, counted and then sent, rather than held.
      CountingOutputStream counted = new CountingOutputStream();
      writeManifest(tree, counted);
      TarArchiveEntry manifestEntry = new TarArchiveEntry(Manifest.ARCHIVE_NAME, true);
      manifestEntry.setSize(counted.count);
      manifestEntry.setModTime(System.currentTimeMillis());
      tar.putArchiveEntry(manifestEntry);
      writeManifest(tree, tar);
      tar.closeArchiveEntry();
      for (TreeFile file : tree.files()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.path().value(), true);
        entry.setSize(file.size());
        // Whole seconds fit the ustar header; milliseconds would add a PAX header (1 KiB) to
        // every file, a third more stream to compress and parse. The manifest has them.
        entry.setLastModifiedTime(
            FileTime.from(Math.floorDiv(file.time(), 1000L), TimeUnit.SECONDS));
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        try (InputStream in = Files.newInputStream(repository.blobPath(file.sha256()))) {
          in.transferTo(tar);
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      // Mid-stream failure (client gone, blob unreadable): the truncated gzip fails the reader.
      exchange.setPersistent(false);
    }
  }

  private static void writeManifest(TreeSnapshot tree, OutputStream out) throws IOException {
    Iterable<Manifest.File> files =
        () ->
            StreamSupport.stream(tree.files().spliterator(), false)
                .map(f -> new Manifest.File(f.path(), f.sha256(), f.size(), f.time(), f.seq()))
                .iterator();
    Manifest.write(out, tree.epoch(), tree.seq(), files);
  }

  /** Counts what is written to it and keeps nothing. */
  private static final class CountingOutputStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** Metadata compresses well even at the fastest level, and the stream is CPU-bound otherwise. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
