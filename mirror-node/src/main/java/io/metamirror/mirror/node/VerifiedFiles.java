package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * never serves the bytes.
 *
 * <p><b>Memory</b> (issue 21: no object per file): a table of two longs per file and twin served
 * since start, open addressing over one {@link AtomicLongArray}, at most 3/4 full (16 B a slot,
 * about 32 B an entry). Slot {@code i} holds at {@code 2i} a 64-bit hash of the path and the twin
 * flag (0: empty) and at {@code 2i+1} the outcome: a 63-bit digest of everything the contract names
 * — path, twin flag, the version's 32 bytes, size, mtime and the file key's hash — with the lowest
 * bit saying good or bad. A path's entry is replaced when its version or its file changes.
 *
 * <p><b>Never a wrong "verified".</b> A lookup answers only when the digest of the stamp seen now
 * equals the one stored: the same path, flag, version, size, mtime and file key, unless two
 * different stamps share a 63-bit digest (about 1 in 10<sup>19</sup> per lookup; no one chooses a
 * file's inode and mtime to aim at one). The file key's hash folds device and inode to 32 bits,
 * which is exact for two files of one device with inode numbers below 2<sup>32</sup> (always so on
 * ext4); the digest needs only to differ, and a new file at a path has a new inode. A key collision
 * of two paths makes them take each other's slot, which costs a hash, never a wrong answer, since
 * the digest holds the path too.
 *
 * <p><b>Threads.</b> Lookups are lock-free; a lookup that reads a slot while it is written sees a
 * key with either outcome, or a digest of another path, which does not match. Writers share a read
 * lock and claim or update slots by compare-and-set; growing the table takes the write lock, copies
 * the entries and publishes the new table (volatile), so no outcome is lost. A lost race between
 * two first hits (or a hit and the {@link StoreScrub}) costs one extra hash, never a second count.
 */
final class VerifiedFiles {
  private static final Logger log = LoggerFactory.getLogger(VerifiedFiles.class);
  private static final long GOOD = 1;

  /** Pairs of (key, outcome); replaced whole when it grows. */
  private volatile AtomicLongArray table = new AtomicLongArray(2 * 1024);

  private final AtomicInteger entries = new AtomicInteger();
  private final ReentrantReadWriteLock growing = new ReentrantReadWriteLock();
  private final Set<ContentPath> logged = ConcurrentHashMap.newKeySet();
  private final LongAdder failures = new LongAdder();
  private final BiConsumer<ContentPath, Sha256> onMismatch;

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
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    long outcome = lookup(key(key, twin));
    if (outcome == 0 || (outcome & ~GOOD) != digest(key, twin, now)) {
      return null;
    }
    boolean good = (outcome & GOOD) != 0;
    if (!good) {
      onMismatch.accept(path, now.version()); // again: the last repair may have failed
    }
    return good;
  }

  /** Remembers that the file was found to be its version as it is in {@code stamp}. */
  void verified(ContentPath path, boolean twin, Stamp stamp) {
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    remember(key(key, twin), digest(key, twin, stamp) | GOOD);
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
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    if (remember(key(key, twin), digest(key, twin, stamp)) == digest(key, twin, stamp)) {
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

  /** Entries remembered (files and twins checked since start). */
  int size() {
    return entries.get();
  }

  /** The bytes of the table (what it costs the heap, headers aside). */
  long footprintBytes() {
    return 8L * table.length();
  }

  /** The outcome stored under {@code key}, or 0. */
  private long lookup(long key) {
    AtomicLongArray t = table;
    int slots = t.length() / 2;
    for (int probe = 0, i = (int) key & (slots - 1);
        probe < slots;
        probe++, i = (i + 1) & (slots - 1)) {
      long k = t.get(2 * i);
      if (k == key) {
        return t.get(2 * i + 1);
      }
      if (k == 0) {
        return 0;
      }
    }
    return 0;
  }

  /** Stores {@code outcome} under {@code key}; returns the outcome it replaced (0: none). */
  private long remember(long key, long outcome) {
    while (true) {
      growing.readLock().lock();
      try {
        AtomicLongArray t = table;
        int slots = t.length() / 2;
        if (entries.get() * 4L < slots * 3L) {
          for (int i = (int) key & (slots - 1); ; i = (i + 1) & (slots - 1)) {
            long k = t.get(2 * i);
            if (k == 0) {
              if (t.compareAndSet(2 * i, 0, key)) {
                entries.incrementAndGet();
                k = key;
              } else {
                k = t.get(2 * i); // another writer claimed it, maybe for this very key
              }
            }
            if (k == key) {
              return t.getAndSet(2 * i + 1, outcome);
            }
          }
        }
      } finally {
        growing.readLock().unlock();
      }
      grow();
    }
  }

  /** Doubles the table once it is 3/4 full; writers wait meanwhile, lookups read the old one. */
  private void grow() {
    growing.writeLock().lock();
    try {
      AtomicLongArray old = table;
      int slots = old.length() / 2;
      if (entries.get() * 4L < slots * 3L) {
        return; // another writer grew it
      }
      AtomicLongArray bigger = new AtomicLongArray(4 * slots);
      int mask = 2 * slots - 1;
      for (int j = 0; j < slots; j++) {
        long key = old.get(2 * j);
        if (key != 0) {
          int i = (int) key & mask;
          while (bigger.get(2 * i) != 0) {
            i = (i + 1) & mask;
          }
          bigger.set(2 * i, key);
          bigger.set(2 * i + 1, old.get(2 * j + 1));
        }
      }
      table = bigger;
    } finally {
      growing.writeLock().unlock();
    }
  }

  /** Which file: a hash of the path's bytes and the twin flag, never 0 (an empty slot). */
  private static long key(byte[] path, boolean twin) {
    long h = Fnv.of(path, twin ? 0x74L : 0x66L);
    return h == 0 ? 1 : h;
  }

  /**
   * The digest of a check, lowest bit 0 (for good or bad), never 0 (an outcome not written yet):
   * everything the contract names, each field length-delimited by its place.
   */
  private static long digest(byte[] path, boolean twin, Stamp stamp) {
    Fnv h = new Fnv();
    h.add(path.length).add(path).add(twin ? 1 : 0);
    byte[] version = new byte[32];
    stamp.version().copyTo(version, 0);
    h.add(version);
    h.add(stamp.size()).add(stamp.modifiedMillis()).add(Objects.hashCode(stamp.fileKey()));
    return (h.mixed() | 2) & ~GOOD;
  }

  /** Mismatches found since start, one per damaged file (or twin) as it was found. */
  long failures() {
    return failures.sum();
  }

  /**
   * FNV-1a over 64 bits, finished by MurmurHash3's mix so that every input bit reaches every bit.
   */
  private static final class Fnv {
    private long h = 0xcbf29ce484222325L;

    static long of(byte[] bytes, long salt) {
      return new Fnv().add(salt).add(bytes).mixed();
    }

    Fnv add(byte[] bytes) {
      for (byte b : bytes) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
      return this;
    }

    Fnv add(long value) {
      for (int shift = 0; shift < 64; shift += 8) {
        h = (h ^ ((value >>> shift) & 0xff)) * 0x100000001b3L;
      }
      return this;
    }

    long mixed() {
      long x = h;
      x ^= x >>> 33;
      x *= 0xff51afd7ed558ccdL;
      x ^= x >>> 33;
      x *= 0xc4ceb9fe1a85ec53L;
      return x ^ (x >>> 33);
    }
  }
}
