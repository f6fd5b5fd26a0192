package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.Store;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which files on disk were hashed and found to be the version the store's manifest lists, so that a
 * file is hashed the first time it is served after start and again only once it changed on disk,
 * never on every hit (issue 17 item 5).
 *
 * <p><b>Contract.</b> A file is remembered by its path, whether it is the gzip twin, the sha256 of
 * the version it was checked against, and its size, mtime and file key (device and inode) at the
 * check. Any rewrite in place that moves the mtime or the size, and any rename over it, makes the
 * file unknown again. Not noticed: an overwrite in place that keeps size and mtime, after the file
 * was checked; a restart checks it again. The plain file is checked by its sha256, the twin by
 * inflating it and hashing what comes out, against the same sha256.
 *
 * <p><b>Mismatches</b> are remembered the same way (asked for again, a damaged file costs no hash
 * and is not counted again), counted, logged once per path (the log must not grow with the request
 * rate), and passed to the repair hook (the sync agent re-fetches the file in place); the caller
 * never serves the bytes. Memory: one entry per file and twin served since start, replaced when the
 * path's version or the file changes.
 *
 * <p><b>Threads.</b> Lock-free: a lost race between two first hits (or a hit and the {@link
 * StoreScrub}) costs one extra hash, never a second count.
 */
final class VerifiedFiles {
  private static final Logger log = LoggerFactory.getLogger(VerifiedFiles.class);

  private final ConcurrentHashMap<Key, Checked> checked = new ConcurrentHashMap<>();
  private final Set<ContentPath> logged = ConcurrentHashMap.newKeySet();
  private final LongAdder failures = new LongAdder();
  private final BiConsumer<ContentPath, Sha256> onMismatch;

  /** Which file: a path of the store, or its twin. */
  private record Key(ContentPath path, boolean twin) {}

  /** The outcome of one check. */
  private record Checked(Stamp stamp, boolean good) {}

  /** What the file was when it was checked: the version's sha256, size, mtime and file key. */
  record Stamp(Sha256 version, long size, long modifiedMillis, Object fileKey) {
    static Stamp of(Sha256 version, BasicFileAttributes attributes) {
      return new Stamp(
          version,
          attributes.size(),
          attributes.lastModifiedTime().toMillis(),
          attributes.fileKey());
    }

    /** A file listed as {@code version} that is not on disk as a regular file. */
    static Stamp notOnDisk(Sha256 version) {
      return new Stamp(version, -1, -1, null);
    }

    boolean onDisk() {
      return size >= 0;
    }
  }

  /**
   * @param onMismatch hears the path and the sha256 the manifest lists for it, at each mismatch
   *     found of the file or its twin: the sync agent's {@code repair}, which re-fetches both
   */
  VerifiedFiles(BiConsumer<ContentPath, Sha256> onMismatch) {
    this.onMismatch = onMismatch;
  }

  /**
   * Whether the file ({@code twin} or not) of {@code path}, as it is now, was found to be its
   * version (true) or not (false; the repair hook hears of it again); null when it was not checked
   * as it is now.
   */
  Boolean known(ContentPath path, boolean twin, Stamp now) {
    Checked last = checked.get(new Key(path, twin));
    if (last == null || !last.stamp().equals(now)) {
      return null;
    }
    if (!last.good()) {
      onMismatch.accept(path, now.version()); // again: the last repair may have failed
    }
    return last.good();
  }

  /** Remembers that the file was found to be its version as it is in {@code stamp}. */
  void verified(ContentPath path, boolean twin, Stamp stamp) {
    checked.put(new Key(path, twin), new Checked(stamp, true));
  }

  /**
   * Records that the file ({@code twin} or not) of {@code path}, as it is in {@code stamp}, is not
   * {@code expected}: {@code actual} says what it is instead (a sha256, or why it could not be read
   * as one). It is counted once per stamp: asked for again unchanged, it is {@link #known} bad, and
   * found again by another thread (a request and the scrub) it is not counted again. Returns
   * whether it was counted now.
   */
  boolean mismatch(ContentPath path, boolean twin, Stamp stamp, String actual) {
    Sha256 expected = stamp.version();
    Checked bad = new Checked(stamp, false);
    if (bad.equals(checked.put(new Key(path, twin), bad))) {
      return false; // counted and repaired by whoever found it first
    }
    failures.increment();
    ContentPath file = twin ? Objects.requireNonNullElse(Store.twinPath(path), path) : path;
    if (logged.add(file)) {
      log.warn("event=integrity_mismatch path={} expected={} actual={}", file, expected, actual);
    }
    onMismatch.accept(path, expected);
    return true;
  }

  /** Mismatches found since start, one per damaged file (or twin) as it was found. */
  long failures() {
    return failures.sum();
  }
}
