package io.metamirror.sync.agent;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.ProtocolException;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
 * <p>Into a store of the snapshot's epoch (a node far behind, or told 410), the snapshot is applied
 * as a <b>delta</b>: a file the store already has at its path, unchanged ({@link #unchanged}), is
 * skipped in the archive and kept where it is, with its twin; only the other files go through the
 * steps below. Into an empty store or one of another epoch, every file does.
 *
 * <ol>
 *   <li>Unpack the snapshot into {@code .metamirror/staging/}, checking every file against the
 *       manifest (size and sha256) before it is written, and writing its twin; nothing outside
 *       staging changes, so the old tree stays servable. The archive is read on this thread; files
 *       are hashed, compressed and written by the worker pool meanwhile, and the file system is
 *       flushed in the background every {@link #FLUSH_AHEAD_FILES} files.
 *   <li>Flush staging, then move it into place ({@link TreeInstaller}) in the seq order of the
 *       puts, which replays the tree in journal order: a directory the store does not have yet
 *       moves whole, with one rename, when the last put inside it is due; into directories the
 *       store has, files move one by one. Then what the new tree lacks is deleted. A reader in
 *       between sees the old tree with some files newer.
 *   <li>Write the manifest and, last, the cursor. A crash before that restarts the bootstrap from
 *       an empty staging directory; what was already moved is then overwritten file by file.
 * </ol>
 */
final class Bootstrapper {
  private static final Logger log = LoggerFactory.getLogger(Bootstrapper.class);

  /** Files up to this size are read whole from the archive and written by the worker pool. */
  private static final int IN_MEMORY_LIMIT = 4 << 20;

  /** Files handed to a worker at once: fewer wake-ups than one task per small file. */
  private static final int BATCH_FILES = 32;

  private static final int BATCH_BYTES = 256 << 10;

  /**
   * Every this many files unpacked, the file system is flushed in the background (when no such
   * flush is running yet): the kernel would otherwise start writing only at the final flush, and
   * the unpacking, bound by CPU, leaves the disk idle meanwhile.
   */
  private static final int FLUSH_AHEAD_FILES = 8192;

  private final Store store;
  private final OriginClient origin;
  private final ExecutorService writers;
  private final int inFlight;
  private final ShrinkGuard shrinkGuard;

  /** Hears the number of install steps done after each one: a seam for crash tests. */
  private volatile IntConsumer afterInstallStep = n -> {};

  /**
   * @param writers writes, hashes and compresses unpacked files in parallel: the archive is read
   *     sequentially, but creating many small files is bound by syscalls, not by the stream
   * @param inFlight batches of files handed to {@code writers} at most at once
   * @param shrinkGuard asked once the manifest is read, before anything is unpacked
   */
  Bootstrapper(
      Store store,
      OriginClient origin,
      ExecutorService writers,
      int inFlight,
      ShrinkGuard shrinkGuard) {
    if (inFlight <= 0) {
      throw new IllegalArgumentException("inFlight <= 0: " + inFlight);
    }
    this.store = store;
    this.origin = origin;
    this.writers = writers;
    this.inFlight = inFlight;
    this.shrinkGuard = shrinkGuard;
  }

  void afterInstallStep(IntConsumer hook) {
    this.afterInstallStep = hook;
  }

  /** A file of the snapshot as the manifest lists it, with its place in the manifest. */
  private record Expected(Manifest.File file, int index) {}

  /** A file read from the archive, waiting for a worker; {@code twin}: whether it gets one. */
  private record Unpacked(Expected expected, boolean twin, byte[] content, Path target) {}

  /**
   * What unpacking left in staging: which files got a twin, which directories were made; {@code
   * acceptedShrink}: whether the snapshot passed the shrink guard only by an operator's acceptance.
   */
  private record Staged(
      Manifest manifest,
      boolean[] twins,
      boolean[] kept,
      int keptCount,
      Set<Path> directories,
      boolean acceptedShrink) {}

  /**
   * @param total hears the number of files once the manifest is read
   * @param done hears the number of files unpacked so far
   */
  Cursor run(LongConsumer total, LongConsumer done) throws IOException {
    long started = System.nanoTime();
    Path staging = store.stateDir().resolve("staging");
    deleteTree(staging);
    Files.createDirectories(staging);
    Staged staged = unpack(staging, total, done);
    long unpacked = System.nanoTime();
    Manifest manifest = staged.manifest();
    store.syncAll(
        stagedFiles(staging, manifest, staged.twins(), staged.kept()), staged.directories());
    long flushed = System.nanoTime();
    new TreeInstaller(store, afterInstallStep)
        .install(staging, manifest, staged.twins(), staged.kept());
    long installed = System.nanoTime();
    Cursor cursor = new Cursor(manifest.epoch(), manifest.seq());
    List<LocalFile> files = // a view: a list of a million entries would not fit in a node's heap
        new AbstractList<>() {
          @Override
          public LocalFile get(int i) {
            Manifest.File f = manifest.files().get(i);
            return new LocalFile(f.path(), f.sha256(), f.size(), f.time(), f.seq());
          }

          @Override
          public int size() {
            return manifest.files().size();
          }
        };
    store.reset(cursor, files);
    if (staged.acceptedShrink()) {
      shrinkGuard.acceptanceUsed();
    }
    deleteTree(staging);
    log.info(
        "event=bootstrapped epoch={} seq={} files={} kept={} unpack_ms={} flush_ms={}"
            + " install_ms={} total_ms={}",
        manifest.epoch(),
        manifest.seq(),
        files.size(),
        staged.keptCount(),
        (unpacked - started) / 1_000_000,
        (flushed - unpacked) / 1_000_000,
        (installed - flushed) / 1_000_000,
        (System.nanoTime() - started) / 1_000_000);
    return cursor;
  }

  /**
   * The files unpacked into staging (not those the delta kept in place), with their twins, made one
   * at a time as the fallback of a flush without syncfs lists them (issue 21: a list of two million
   * paths outgrew a node's heap).
   */
  private static Collection<Path> stagedFiles(
      Path staging, Manifest manifest, boolean[] twins, boolean[] kept) {
    int count = manifest.files().size();
    int written = 0;
    for (int i = 0; i < count; i++) {
      written += kept[i] ? 0 : twins[i] ? 2 : 1;
    }
    int size = written;
    return new AbstractCollection<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Path> iterator() {
        return IntStream.range(0, count)
            .filter(i -> !kept[i])
            .boxed()
            .flatMap(
                i -> {
                  Path file = manifest.files().get(i).path().resolveUnder(staging);
                  return twins[i] ? Stream.of(file, Store.twinFile(file)) : Stream.of(file);
                })
            .iterator();
      }
    };
  }

  private Staged unpack(Path staging, LongConsumer total, LongConsumer done) throws IOException {
    Set<Path> directories = new LinkedHashSet<>();
    Semaphore permits = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flushing = new AtomicBoolean();
    HttpResponse<InputStream> response = origin.snapshot();
    try (InputStream body = response.body();
        GZIPInputStream gzip = new GZIPInputStream(body, 64 * 1024);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip, "UTF-8")) {
      TarArchiveEntry first = tar.getNextEntry();
      if (first == null || !first.getName().equals(Manifest.ARCHIVE_NAME)) {
        throw new ProtocolException("snapshot does not start with " + Manifest.ARCHIVE_NAME);
      }
      Manifest manifest = Manifest.read(CloseShieldInputStream.wrap(tar));
      total.accept(manifest.files().size());
      // By the path's text: a tar name found here is a path the manifest already validated.
      Map<String, Expected> expected = new HashMap<>();
      for (int i = 0; i < manifest.files().size(); i++) {
        Manifest.File f = manifest.files().get(i);
        expected.put(f.path().value(), new Expected(f, i));
      }
      int removed = 0;
      for (LocalFile f : store.files()) {
        if (!expected.containsKey(f.path().value())) {
          removed++;
        }
      }
      boolean acceptedShrink =
          shrinkGuard.check(
              new ShrinkGuard.Change(
                  "snapshot", manifest.epoch(), manifest.seq(), store.fileCount(), removed));
      boolean[] twins = new boolean[manifest.files().size()];
      boolean[] received = new boolean[manifest.files().size()];
      boolean[] kept = new boolean[manifest.files().size()];
      boolean delta = manifest.epoch().equals(store.cursor().epoch());
      Predicate<ContentPath> isNewContent = p -> expected.containsKey(p.value());
      int count = 0;
      int keptCount = 0;
      List<Unpacked> batch = new ArrayList<>();
      long batchBytes = 0;
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (entry.isDirectory()) {
          continue;
        }
        Expected e = expected.get(entry.getName());
        if (e == null || received[e.index()] || !entry.isFile()) {
          String problem = ContentPath.problem(entry.getName());
          throw new ProtocolException(
              problem != null
                  ? "snapshot holds a bad path: " + problem
                  : "snapshot holds "
                      + entry.getName()
                      + ", which its manifest does not list once");
        }
        ContentPath path = e.file().path();
        received[e.index()] = true;
        count++;
        if (delta && unchanged(e.file(), isNewContent)) {
          kept[e.index()] = true; // the archive skips its bytes at the next entry
          keptCount++;
          done.accept(count);
          continue;
        }
        Path target = path.resolveUnder(staging);
        if (directories.add(target.getParent())) {
          Files.createDirectories(target.getParent());
        }
        boolean twin = Store.wantsTwin(path, e.file().size(), isNewContent);
        if (e.file().size() > IN_MEMORY_LIMIT) {
          twins[e.index()] = StagedWrites.copyVerified(tar, target, e.file(), twin);
        } else {
          byte[] content = readEntry(tar, entry);
          batch.add(new Unpacked(e, twin, content, target));
          batchBytes += content.length;
          if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
            submit(batch, twins, permits, failure);
            batch = new ArrayList<>();
            batchBytes = 0;
          }
        }
        done.accept(count);
        if (count % FLUSH_AHEAD_FILES == 0) {
          flushAhead(flushing);
        }
      }
      submit(batch, twins, permits, failure);
      awaitWriters(permits, failure);
      if (count != manifest.files().size()) {
        throw new ProtocolException(
            "snapshot ended after " + count + " of " + manifest.files().size() + " files");
      }
      // The tar ends before the gzip trailer is read, and its CRC is all that guards the
      // manifest's seq, epoch and times: read on, so that GZIPInputStream checks it.
      gzip.transferTo(OutputStream.nullOutputStream());
      return new Staged(manifest, twins, kept, keptCount, directories, acceptedShrink);
    } finally {
      // Never leave a worker writing into staging behind: the caller may delete it next.
      permits.acquireUninterruptibly(inFlight);
      permits.release(inFlight);
    }
  }

  /**
   * Whether the store already holds {@code f} as the snapshot lists it, so that a delta keeps it:
   * its manifest lists the same sha256, size and time at the path; the file on disk has that size
   * and mtime (a file an interrupted install moved in, or one damaged, does not, and is written
   * again); and its twin rule is the same in both trees ({@code <path>.gz} content in both or in
   * neither), so that the twin beside it, if any, is still the right one.
   */
  private boolean unchanged(Manifest.File f, Predicate<ContentPath> isNewContent)
      throws IOException {
    LocalFile have = store.file(f.path());
    if (have == null
        || have.size() != f.size()
        || have.time() != f.time()
        || !have.sha256().equals(f.sha256())) {
      return false;
    }
    if (Store.mayHaveTwin(f.path(), p -> store.file(p) != null)
        != Store.mayHaveTwin(f.path(), isNewContent)) {
      return false;
    }
    BasicFileAttributes disk;
    try {
      disk =
          Files.readAttributes(
              store.pathOf(f.path()), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    return disk.isRegularFile()
        && disk.size() == f.size()
        && disk.lastModifiedTime().toMillis() == f.time();
  }

  /** Starts {@link Store#flushAhead} on a thread of its own unless one is still running. */
  private void flushAhead(AtomicBoolean flushing) {
    if (!flushing.compareAndSet(false, true)) {
      return;
    }
    Thread flusher =
        new Thread(
            () -> {
              try {
                store.flushAhead();
              } finally {
                flushing.set(false);
              }
            },
            "metamirror-flush-ahead");
    flusher.setDaemon(true);
    flusher.start();
  }

  /**
   * The whole content of the current entry, which the manifest says is at most {@link
   * #IN_MEMORY_LIMIT} bytes: read into an array of the header's size when that is within the limit,
   * else at most one byte more than the limit, so that the writer reports the size mismatch.
   * (Reading whole files with {@code readNBytes(limit)} allocated 8 KiB per file on top of the
   * array: a third of a bootstrap's garbage.)
   */
  private static byte[] readEntry(InputStream tar, TarArchiveEntry entry) throws IOException {
    long size = entry.getSize();
    if (size < 0 || size > IN_MEMORY_LIMIT) {
      return tar.readNBytes(IN_MEMORY_LIMIT + 1);
    }
    byte[] content = new byte[(int) size];
    int n = tar.readNBytes(content, 0, content.length);
    return n == content.length ? content : Arrays.copyOf(content, n);
  }

  /**
   * Hands {@code batch} to a worker once fewer than {@link #inFlight} are out; throws the first
   * failure of an earlier batch.
   */
  private void submit(
      List<Unpacked> batch, boolean[] twins, Semaphore permits, AtomicReference<Throwable> failure)
      throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    permits.acquireUninterruptibly();
    if (failure.get() != null) {
      permits.release();
      rethrow(failure);
    }
    try {
      writers.execute(
          () -> {
            try {
              for (Unpacked u : batch) {
                if (failure.get() != null) {
                  return;
                }
                twins[u.expected().index()] =
                    StagedWrites.writeVerified(
                        u.content(), u.target(), u.expected().file(), u.twin());
              }
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            } finally {
              permits.release();
            }
          });
    } catch (RuntimeException e) { // rejected: the pool is shutting down
      permits.release();
      throw e;
    }
  }

  private void awaitWriters(Semaphore permits, AtomicReference<Throwable> failure)
      throws IOException {
    permits.acquireUninterruptibly(inFlight);
    permits.release(inFlight);
    rethrow(failure);
  }

  private static void rethrow(AtomicReference<Throwable> failure) throws IOException {
    Throwable t = failure.get();
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IOException(t);
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      PathUtils.deleteDirectory(dir);
    }
  }
}
