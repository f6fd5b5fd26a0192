package io.metamirror.origin.repository;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The current tree, path → (sha256, size, time, seq), held in a few large arrays instead of objects
 * per file: about 90 bytes a file plus its path's UTF-8 bytes, where a map of records took ~350, so
 * that 1,000,000 files fit in ~150 MB of heap (issue 21).
 *
 * <p>Layout. A file is a record id; its fields are columns indexed by the id ({@link #shas} holds
 * 32 bytes per id). Its path is UTF-8 in an arena of 256 KiB chunks (a path never spans two), found
 * by {@link #pathRefs}: chunk offset &lt;&lt; 11 | length. {@link #slots} is an open-addressing
 * hash table of id + 1 (0 = empty), linear probing, deletion by backward shift, so no tombstones. A
 * removed file's id is reused; its path bytes stay in the arena as garbage until there is more
 * garbage than live bytes, when the arena is rewritten. Chunks are never written below their fill
 * mark, so a {@link TreeSnapshot} may keep reading the chunks it copied the references of.
 *
 * <p>Concurrency: one writer (the publisher, under the repository's publish lock) and any number of
 * readers; {@link #lock} guards every field. Readers see each put and delete whole.
 */
final class TreeIndex {
  /** Below half a G1 region (1 MiB at these heap sizes), so a chunk is no humongous object. */
  static final int CHUNK_BYTES = 1 << 18;

  private static final int LENGTH_BITS = 11; // a content path has at most 1024 bytes
  private static final int NO_RECORD = -1;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  // Columns by record id, all guarded by lock.
  private long[] pathRefs;
  private int[] hashes;
  private byte[] shas;
  private long[] sizes;
  private long[] times;
  private long[] seqs;
  private int records; // ids below this have been used; some may be free
  private int[] free = new int[16];
  private int freeCount;

  private int[] slots;
  private int count;

  private byte[][] chunks = new byte[0][];
  private int chunkFill = CHUNK_BYTES; // bytes used in the last chunk; full when there is none
  private long liveBytes;
  private long deadBytes;

  TreeIndex() {
    this(1024);
  }

  TreeIndex(int expectedFiles) {
    int capacity = Math.max(16, expectedFiles);
    pathRefs = new long[capacity];
    hashes = new int[capacity];
    shas = new byte[capacity * 32];
    sizes = new long[capacity];
    times = new long[capacity];
    seqs = new long[capacity];
    slots = new int[Integer.highestOneBit(capacity) * 4];
  }

  int size() {
    lock.readLock().lock();
    try {
      return count;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The file at {@code path}, or null. */
  TreeFile get(ContentPath path) {
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    lock.readLock().lock();
    try {
      int id = find(key, hash(key));
      return id == NO_RECORD ? null : file(path, id);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Adds the file at {@code path} or replaces what the path had. */
  void put(ContentPath path, Sha256 sha256, long size, long time, long seq) {
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    int hash = hash(key);
    lock.writeLock().lock();
    try {
      int id = find(key, hash);
      if (id == NO_RECORD) {
        id = newRecord();
        pathRefs[id] = append(key);
        hashes[id] = hash;
        liveBytes += key.length;
        insertSlot(id);
        count++;
      }
      sha256.copyTo(shas, id * 32);
      sizes[id] = size;
      times[id] = time;
      seqs[id] = seq;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes the file at {@code path}; returns whether there was one. */
  boolean remove(ContentPath path) {
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    int hash = hash(key);
    lock.writeLock().lock();
    try {
      int slot = findSlot(key, hash);
      if (slot < 0) {
        return false;
      }
      int id = slots[slot] - 1;
      deleteSlot(slot);
      int length = (int) (pathRefs[id] & ((1 << LENGTH_BITS) - 1));
      liveBytes -= length;
      deadBytes += length;
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, free.length * 2);
      }
      free[freeCount++] = id;
      count--;
      if (deadBytes > liveBytes && deadBytes > 16L * CHUNK_BYTES) {
        rewriteArena();
      }
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The newest time of any file, or 0. */
  long maxTime() {
    lock.readLock().lock();
    try {
      long max = 0;
      for (int slot : slots) {
        if (slot != 0) {
          max = Math.max(max, times[slot - 1]);
        }
      }
      return max;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A copy of every file, not yet sorted, which later changes to this index do not affect. */
  TreeSnapshot snapshot(Epoch epoch, long seq) {
    long[] refs;
    byte[] sha;
    long[] size;
    long[] time;
    long[] putSeq;
    byte[][] arena;
    lock.readLock().lock();
    try {
      refs = new long[count];
      sha = new byte[count * 32];
      size = new long[count];
      time = new long[count];
      putSeq = new long[count];
      int n = 0;
      for (int slot : slots) {
        if (slot == 0) {
          continue;
        }
        int id = slot - 1;
        refs[n] = pathRefs[id];
        System.arraycopy(shas, id * 32, sha, n * 32, 32);
        size[n] = sizes[id];
        time[n] = times[id];
        putSeq[n] = seqs[id];
        n++;
      }
      arena = chunks.clone();
    } finally {
      lock.readLock().unlock();
    }
    return new TreeSnapshot(epoch, seq, arena, refs, sha, size, time, putSeq);
  }

  /** What the index holds on the heap, in bytes: for tests and the start-up log. */
  long heapBytes() {
    lock.readLock().lock();
    try {
      long columns = (long) pathRefs.length * (8 + 4 + 32 + 8 + 8 + 8);
      return columns + slots.length * 4L + free.length * 4L + (long) chunks.length * CHUNK_BYTES;
    } finally {
      lock.readLock().unlock();
    }
  }

  static long offsetOf(long ref) {
    return ref >>> LENGTH_BITS;
  }

  static int lengthOf(long ref) {
    return (int) (ref & ((1 << LENGTH_BITS) - 1));
  }

  private TreeFile file(ContentPath path, int id) {
    return new TreeFile(path, Sha256.ofDigest(shas, id * 32), sizes[id], times[id], seqs[id]);
  }

  private int find(byte[] key, int hash) {
    int slot = findSlot(key, hash);
    return slot < 0 ? NO_RECORD : slots[slot] - 1;
  }

  private int findSlot(byte[] key, int hash) {
    int mask = slots.length - 1;
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      int entry = slots[slot];
      if (entry == 0) {
        return -1;
      }
      int id = entry - 1;
      if (hashes[id] == hash && pathEquals(pathRefs[id], key)) {
        return slot;
      }
    }
  }

  private boolean pathEquals(long ref, byte[] key) {
    if (lengthOf(ref) != key.length) {
      return false;
    }
    long offset = offsetOf(ref);
    byte[] chunk = chunks[(int) (offset / CHUNK_BYTES)];
    int from = (int) (offset % CHUNK_BYTES);
    return Arrays.equals(chunk, from, from + key.length, key, 0, key.length);
  }

  private void insertSlot(int id) {
    if ((count + 1) * 2 > slots.length) {
      int[] old = slots;
      slots = new int[old.length * 2];
      for (int entry : old) {
        if (entry != 0) {
          placeSlot(entry - 1);
        }
      }
    }
    placeSlot(id);
  }

  private void placeSlot(int id) {
    int mask = slots.length - 1;
    int slot = hashes[id] & mask;
    while (slots[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    slots[slot] = id + 1;
  }

  /** Linear probing's deletion: shift later members of the run back so no probe stops early. */
  private void deleteSlot(int slot) {
    int mask = slots.length - 1;
    int hole = slot;
    for (int next = (hole + 1) & mask; slots[next] != 0; next = (next + 1) & mask) {
      int home = hashes[slots[next] - 1] & mask;
      // The entry at next may fill the hole unless its home lies cyclically in (hole, next].
      boolean homeAfterHole =
          hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!homeAfterHole) {
        slots[hole] = slots[next];
        hole = next;
      }
    }
    slots[hole] = 0;
  }

  private int newRecord() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    if (records == pathRefs.length) {
      int capacity = pathRefs.length + (pathRefs.length >> 1);
      pathRefs = Arrays.copyOf(pathRefs, capacity);
      hashes = Arrays.copyOf(hashes, capacity);
      shas = Arrays.copyOf(shas, capacity * 32);
      sizes = Arrays.copyOf(sizes, capacity);
      times = Arrays.copyOf(times, capacity);
      seqs = Arrays.copyOf(seqs, capacity);
    }
    return records++;
  }

  private long append(byte[] key) {
    if (chunkFill + key.length > CHUNK_BYTES) {
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      chunks[chunks.length - 1] = new byte[CHUNK_BYTES];
      chunkFill = 0;
    }
    System.arraycopy(key, 0, chunks[chunks.length - 1], chunkFill, key.length);
    long offset = (long) (chunks.length - 1) * CHUNK_BYTES + chunkFill;
    chunkFill += key.length;
    return offset << LENGTH_BITS | key.length;
  }

  /** Copies every live path into fresh chunks; the old ones stay intact for snapshots. */
  private void rewriteArena() {
    byte[][] old = chunks;
    chunks = new byte[0][];
    chunkFill = CHUNK_BYTES;
    for (int entry : slots) {
      if (entry == 0) {
        continue;
      }
      int id = entry - 1;
      long offset = offsetOf(pathRefs[id]);
      int from = (int) (offset % CHUNK_BYTES);
      byte[] chunk = old[(int) (offset / CHUNK_BYTES)];
      pathRefs[id] = append(Arrays.copyOfRange(chunk, from, from + lengthOf(pathRefs[id])));
    }
    deadBytes = 0;
  }

  /** FNV-1a, then a finalizer so that the low bits the table uses mix all of it. */
  private static int hash(byte[] key) {
    int h = 0x811c9dc5;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}
