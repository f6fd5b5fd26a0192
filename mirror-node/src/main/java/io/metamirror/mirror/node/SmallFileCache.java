package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import io.metamirror.sync.store.LocalFile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Small files of the store held in memory as {@link CachedFile}s, so that a local hit is answered
 * on the I/O thread without a system call.
 *
 * <p><b>Validity.</b> An entry is made from one {@link LocalFile}, one version of one path, and is
 * returned only while the store's manifest lists an equal entry (path, sha256, size, time and seq:
 * the same bytes and validators). The manifest keeps no objects to compare by identity (issue 21:
 * its entries are made on each lookup); every commit lists a new seq, so a request after a commit
 * never gets an older version's bytes or validators, whether or not {@link #invalidate} has run
 * yet. {@link #invalidate} (the sync agent's commit callback) frees the memory at once and drops
 * entries whose headers depend on another path: whether a file has a gzip twin depends on whether
 * {@code <path>.gz} is itself content.
 *
 * <p><b>Races with a commit.</b> {@link #generation()} moves on every invalidation. A caller reads
 * it before it reads the manifest and passes it to {@link #put}, which refuses the entry if an
 * invalidation came in between: the fill may have read files that the invalidation was meant to
 * drop. What the caller puts must also be checked against the version (see {@link
 * LocalFileHandler}): the agent renames files into place before it commits the manifest, so a file
 * read in between is newer than the version it is listed under.
 *
 * <p><b>Bound.</b> Bodies (plain and twin) total at most {@code maxBytes}. An insert that would go
 * over evicts in CLOCK order: the hand passes over the entries in insertion ring order, giving
 * those read since it last passed a second chance, and evicts the first that was not.
 *
 * <p><b>Admission.</b> While there is room, every small file read is cached. Once full, only one
 * fill in {@value #ADMIT_ONE_IN_WHEN_FULL} is ({@link #admits}): when the files asked for are many
 * more than fit, caching each read would make every request a fill (two reads, a hash, an eviction)
 * for a hit rate no better than the cache's share of the tree, while a file that keeps being asked
 * for still gets in after a few requests.
 *
 * <p><b>Threads.</b> {@link #get} and {@link #admits} are lock-free. {@link #lock} guards the ring,
 * {@link #hand}, {@link #bytes}, {@link #generation} (written only under it) and each node's {@code
 * index}; the map is changed only under it, so map and ring always hold the same nodes.
 */
final class SmallFileCache {
  static final int ADMIT_ONE_IN_WHEN_FULL = 16;
  private final long maxBytes;
  private final int maxFileBytes;
  private final ConcurrentHashMap<ContentPath, Node> map = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Node> ring = new ArrayList<>();
  private final LongAdder misses = new LongAdder();
  private final AtomicLong askedWhileFull = new AtomicLong();
  private int hand;
  private volatile long bytes; // written under lock
  private volatile long generation;

  /** A cached file and its place in the ring. */
  private static final class Node {
    final ContentPath path;
    final CachedFile file;
    int index; // guarded by lock

    // Set by readers without the lock, cleared by the hand: a lost write costs one early eviction.
    boolean referenced;

    Node(ContentPath path, CachedFile file) {
      this.path = path;
      this.file = file;
    }
  }

  /**
   * @param maxBytes body bytes held at most; 0 caches nothing
   * @param maxFileBytes files larger than this are not cached (nor read whole by the caller)
   */
  SmallFileCache(long maxBytes, int maxFileBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    }
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException("maxFileBytes <= 0: " + maxFileBytes);
    }
    this.maxBytes = maxBytes;
    this.maxFileBytes = maxFileBytes;
  }

  int maxFileBytes() {
    return maxFileBytes;
  }

  long generation() {
    return generation;
  }

  /** The entry for {@code path} if it was made from {@code current}, else null. */
  CachedFile get(ContentPath path, LocalFile current) {
    Node node = map.get(path);
    if (node == null || !node.file.version.equals(current)) {
      misses.increment();
      return null;
    }
    if (!node.referenced) {
      node.referenced = true;
    }
    return node.file; // hits are not counted: a shared counter per hit costs more than the hit
  }

  /**
   * Whether a file of about {@code weight} bytes should be read for caching: always while it fits
   * beside what is cached, one time in {@value #ADMIT_ONE_IN_WHEN_FULL} once the cache is full.
   */
  boolean admits(long weight) {
    if (weight > maxBytes || weight > maxFileBytes) {
      return false;
    }
    if (bytes + weight <= maxBytes) {
      return true;
    }
    return askedWhileFull.getAndIncrement() % ADMIT_ONE_IN_WHEN_FULL == 0;
  }

  /**
   * Caches {@code file} for {@code path}, replacing what was there, unless an invalidation came
   * after {@code generationBefore} or the file cannot fit. Returns whether it was cached.
   */
  boolean put(ContentPath path, CachedFile file, long generationBefore) {
    long weight = file.weight();
    if (weight > maxBytes || file.plain.length > maxFileBytes) {
      return false;
    }
    lock.lock();
    try {
      if (generation != generationBefore) {
        return false;
      }
      Node old = map.get(path);
      if (old != null) {
        unlink(old);
      }
      while (bytes + weight > maxBytes) {
        evictOne();
      }
      Node node = new Node(path, file);
      node.index = ring.size();
      ring.add(node);
      map.put(path, node);
      bytes += weight;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Drops the entries of {@code paths}, and of the files whose twins they may be. */
  void invalidate(Collection<ContentPath> paths) {
    lock.lock();
    try {
      generation++;
      for (ContentPath path : paths) {
        remove(path);
        String value = path.value();
        if (value.endsWith(".gz")) {
          String base = value.substring(0, value.length() - 3);
          if (ContentPath.problem(base) == null) {
            remove(ContentPath.parse(base));
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Drops everything (a new tree, after a bootstrap). */
  void clear() {
    lock.lock();
    try {
      generation++;
      map.clear();
      ring.clear();
      hand = 0;
      bytes = 0;
    } finally {
      lock.unlock();
    }
  }

  long bytes() {
    return bytes;
  }

  int files() {
    return map.size();
  }

  long misses() {
    return misses.sum();
  }

  private void remove(ContentPath path) {
    Node node = map.get(path);
    if (node != null) {
      unlink(node);
    }
  }

  private void evictOne() {
    while (true) {
      if (hand >= ring.size()) {
        hand = 0;
      }
      Node node = ring.get(hand);
      if (node.referenced) {
        node.referenced = false;
        hand++;
      } else {
        unlink(node); // the last node moves to hand, so the hand stays
        return;
      }
    }
  }

  /** Removes {@code node} from map and ring; the ring's last node takes its slot. */
  private void unlink(Node node) {
    map.remove(node.path, node);
    int last = ring.size() - 1;
    Node moved = ring.remove(last);
    if (moved != node) {
      ring.set(node.index, moved);
      moved.index = node.index;
    }
    bytes -= node.file.weight();
  }
}
