package io.metamirror.sync.agent;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.ProtocolException;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.file.PathUtils;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a store's tree with the origin's snapshot.
 *
 * <ol>
 *   <li>Unpack the snapshot into {@code .metamirror/staging/}, checking every file against the
 *       manifest (size and sha256) and writing its twin; nothing outside staging changes, so the
 *       old tree stays servable.
 *   <li>Flush staging; move the files into place <em>in the seq order of their puts</em>, which
 *       replays the tree in journal order (referenced files before their indexes), then delete what
 *       the new tree lacks. A reader in between sees the old tree with some files newer.
 *   <li>Write the manifest and, last, the cursor. A crash before that restarts the bootstrap.
 * </ol>
 */
final class Bootstrapper {
  private static final Logger log = LoggerFactory.getLogger(Bootstrapper.class);

  /** Files up to this size are read whole from the archive and written by the worker pool. */
  private static final int IN_MEMORY_LIMIT = 4 << 20;

  private static final int IN_FLIGHT = 64;

  private final Store store;
  private final OriginClient origin;
  private final ExecutorService writers;

  /**
   * @param writers writes, hashes and compresses unpacked files in parallel: the archive is read
   *     sequentially, but creating many small files is bound by syscalls, not by the stream
   */
  Bootstrapper(Store store, OriginClient origin, ExecutorService writers) {
    this.store = store;
    this.origin = origin;
    this.writers = writers;
  }

  /**
   * @param total hears the number of files once the manifest is read
   * @param done hears the number of files unpacked so far
   */
  Cursor run(LongConsumer total, LongConsumer done) throws IOException {
    Path staging = store.stateDir().resolve("staging");
    deleteTree(staging);
    Files.createDirectories(staging);
    Manifest manifest;
    List<Path> written = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    Set<Path> directories = new LinkedHashSet<>();
    HttpResponse<InputStream> response = origin.snapshot();
    try (InputStream body = response.body();
        GZIPInputStream gzip = new GZIPInputStream(body, 64 * 1024);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip, "UTF-8")) {
      TarArchiveEntry first = tar.getNextEntry();
      if (first == null || !first.getName().equals(Manifest.ARCHIVE_NAME)) {
        throw new ProtocolException("snapshot does not start with " + Manifest.ARCHIVE_NAME);
      }
      manifest = Manifest.read(CloseShieldInputStream.wrap(tar));
      total.accept(manifest.files().size());
      Map<ContentPath, Manifest.File> expected = new HashMap<>();
      for (Manifest.File f : manifest.files()) {
        expected.put(f.path(), f);
      }
      Set<ContentPath> received = new HashSet<>();
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (entry.isDirectory()) {
          continue;
        }
        ContentPath path;
        try {
          path = ContentPath.parse(entry.getName());
        } catch (IllegalArgumentException e) {
          throw new ProtocolException("snapshot holds a bad path: " + e.getMessage());
        }
        Manifest.File f = expected.get(path);
        if (f == null || !received.add(path) || !entry.isFile()) {
          throw new ProtocolException(
              "snapshot holds " + path + ", which its manifest does not list once");
        }
        Path target = path.resolveUnder(staging);
        if (directories.add(target.getParent())) {
          Files.createDirectories(target.getParent());
        }
        boolean twin = Store.wantsTwin(path, expected::containsKey);
        if (f.size() > IN_MEMORY_LIMIT) {
          copyVerified(tar, target, f);
          finish(target, f, twin, written);
        } else {
          byte[] content = tar.readNBytes(IN_MEMORY_LIMIT + 1);
          inFlight.acquireUninterruptibly();
          pending.add(
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      writeVerified(content, target, f);
                      finish(target, f, twin, written);
                    } catch (IOException e) {
                      throw new CompletionException(e);
                    } finally {
                      inFlight.release();
                    }
                  },
                  writers));
        }
        done.accept(received.size());
        if (pending.size() >= 4 * IN_FLIGHT) {
          awaitAll(pending);
        }
      }
      awaitAll(pending);
      if (received.size() != expected.size()) {
        throw new ProtocolException(
            "snapshot ended after " + received.size() + " of " + expected.size() + " files");
      }
      // The tar ends before the gzip trailer is read, and its CRC is all that guards the
      // manifest's seq, epoch and times: read on, so that GZIPInputStream checks it.
      gzip.transferTo(OutputStream.nullOutputStream());
    }
    store.syncAll(written, directories);
    install(staging, manifest);
    Cursor cursor = new Cursor(manifest.epoch(), manifest.seq());
    List<LocalFile> files = new ArrayList<>();
    for (Manifest.File f : manifest.files()) {
      files.add(new LocalFile(f.path(), f.sha256(), f.size(), f.time(), f.seq()));
    }
    store.reset(cursor, files);
    deleteTree(staging);
    log.info(
        "event=bootstrapped epoch={} seq={} files={}",
        manifest.epoch(),
        manifest.seq(),
        files.size());
    return cursor;
  }

  private static void awaitAll(List<CompletableFuture<Void>> pending) throws IOException {
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      for (CompletableFuture<Void> f : pending) {
        f.exceptionally(t -> null).join();
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    } finally {
      pending.clear();
    }
  }

  private static void finish(Path target, Manifest.File f, boolean twin, List<Path> written)
      throws IOException {
    FileTime mtime = FileTime.fromMillis(f.time());
    written.add(target);
    if (twin) {
      Path twinPath = target.resolveSibling(target.getFileName() + ".gz");
      if (Store.writeTwin(target, twinPath)) {
        Files.setLastModifiedTime(twinPath, mtime);
        written.add(twinPath);
      }
    }
    Files.setLastModifiedTime(target, mtime);
  }

  private static void writeVerified(byte[] content, Path target, Manifest.File f)
      throws IOException {
    Sha256 actual = Sha256.of(content);
    if (content.length != f.size() || !actual.equals(f.sha256())) {
      throw new BlobMismatchException(f.sha256(), f.size(), actual, content.length);
    }
    Files.write(target, content);
  }

  private static void copyVerified(InputStream in, Path target, Manifest.File f)
      throws IOException {
    MessageDigest digest = Sha256.newDigest();
    long size = 0;
    try (OutputStream out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
    }
    Sha256 actual = Sha256.ofDigest(digest.digest());
    if (size != f.size() || !actual.equals(f.sha256())) {
      throw new BlobMismatchException(f.sha256(), f.size(), actual, size);
    }
  }

  private void install(Path staging, Manifest manifest) throws IOException {
    List<Manifest.File> bySeq = new ArrayList<>(manifest.files());
    bySeq.sort(Comparator.comparingLong(Manifest.File::seq).thenComparing(Manifest.File::path));
    Set<ContentPath> content = new HashSet<>();
    manifest.files().forEach(f -> content.add(f.path()));
    Set<Path> directories = new LinkedHashSet<>();
    Set<Path> keep = new HashSet<>();
    for (Manifest.File f : bySeq) {
      Path from = f.path().resolveUnder(staging);
      Path to = store.pathOf(f.path());
      if (directories.add(to.getParent())) {
        Files.createDirectories(to.getParent()); // once per directory, not once per file
      }
      Path twinFrom = from.resolveSibling(from.getFileName() + ".gz");
      Path twinTo = to.resolveSibling(to.getFileName() + ".gz");
      if (Files.exists(twinFrom)) {
        Files.move(
            twinFrom, twinTo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        keep.add(twinTo);
      } else if (Store.wantsTwin(f.path(), content::contains)) {
        Files.deleteIfExists(twinTo); // the old content's twin must not outlive it
      }
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      keep.add(to);
    }
    Path root = store.root();
    Path state = store.stateDir();
    List<Path> extraneous = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(state) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!keep.contains(file)) {
              extraneous.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    for (Path file : extraneous) {
      Files.deleteIfExists(file);
      directories.add(file.getParent());
    }
    store.syncAll(List.of(), directories);
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      PathUtils.deleteDirectory(dir);
    }
  }
}
