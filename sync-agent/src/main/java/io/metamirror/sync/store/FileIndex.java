package io.metamirror.sync.store;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.StampedLock;

/**
 * The manifest in memory: path → sha256, size, time, seq, held in a few large primitive arrays, so
 * that a million files cost a hundred-odd megabytes and the garbage collector traces a few hundred
 * arrays, not millions of objects (issue 21: a {@code ConcurrentHashMap} of records took ~300 B per
 * file and a node holding 1,000,000 files needed more heap than it has).
 *
 * <p><b>Layout.</b> An entry has a number (its id); its fields live in pages of {@link #PAGE}
 * entries: {@code numbers} (seq, time, size: 24 B), {@code digests} (the sha256: 32 B), {@code
 * refs} (where its path's UTF-8 bytes are in the path arena: 8 B) and {@code hashes} (the path's
 * hash: 4 B). Paths are appended to a {@link PathArena}. The table {@code slots} is open addressing
 * with linear probing over entry ids (0: empty, -1: a deleted slot, else id + 1), at most 3/4 full.
 * A removed entry's id is reused; its path bytes are dead until dead bytes outweigh live ones, when
 * the arena is rewritten. About 100 B per file for Composer-like paths (~40 B); {@link
 * #footprintBytes} counts them.
 *
 * <p><b>Threads.</b> One writer (the agent's commit thread, or a loader) and any number of readers.
 * Every change happens under the write lock of a {@link StampedLock}; readers read optimistically
 * and validate the stamp afterwards (the {@code StampedLock} pattern), reading again under the read
 * lock when a write overlapped. So a reader sees an entry whole, as one write left it, never a
 * sha256 of one version with the size of another; a read that overlaps a write costs a retry. What
 * an optimistic read computed before validation is thrown away, including an exception that an
 * array swapped under it caused. Iteration is weakly consistent (each entry whole, the set of
 * entries as the writer changed it meanwhile).
 */
final class FileIndex {
  static final int PAGE_BITS = 14;
  static final int PAGE = 1 << PAGE_BITS;
  private static final int NUMBERS = 3; // seq, time, size
  private static final int SHA = 32;

  private final StampedLock lock = new StampedLock();

  // Written under the write lock only; read by readers optimistically or under the read lock.
  private int[] slots = new int[16];
  private long[][] numbers = new long[0][];
  private byte[][] digests = new byte[0][];
  private long[][] refs = new long[0][]; // chunk << 32 | offset << 11 | length; 0: a free entry
  private int[][] hashes = new int[0][];
  private PathArena paths = new PathArena();
  private int ids; // entry ids handed out so far
  private int live;
  private int deletedSlots;
  private int[] free = new int[16];
  private int freeCount;
  private long livePathBytes;
  private long deadPathBytes;
  private long totalSize;

  int size() {
    return live;
  }

  /** The sum of the sizes of the files listed. */
  long totalSize() {
    return totalSize;
  }

  LocalFile get(ContentPath path) {
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    int hash = hash(path);
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        LocalFile found = read(find(key, hash), path);
        if (lock.validate(stamp)) {
          return found;
        }
      } catch (RuntimeException e) {
        if (lock.validate(stamp)) {
          throw e; // not a race: a bug
        }
      }
    }
    stamp = lock.readLock();
    try {
      return read(find(key, hash), path);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Adds or replaces the entry of {@code f.path()}. */
  void put(LocalFile f) {
    byte[] key = f.path().value().getBytes(StandardCharsets.UTF_8);
    int hash = hash(f.path());
    long stamp = lock.writeLock();
    try {
      int id = find(key, hash);
      if (id >= 0) {
        totalSize -= numbers[id >>> PAGE_BITS][(id & (PAGE - 1)) * NUMBERS + 2];
      } else {
        id = newEntry(key, hash);
        insert(id, hash);
      }
      write(id, f);
      totalSize += f.size();
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Removes the entry of {@code path}, if any. */
  void remove(ContentPath path) {
    byte[] key = path.value().getBytes(StandardCharsets.UTF_8);
    int hash = hash(path);
    long stamp = lock.writeLock();
    try {
      int slot = slotOf(key, hash);
      if (slot < 0) {
        return;
      }
      int id = slots[slot] - 1;
      slots[slot] = -1;
      deletedSlots++;
      live--;
      int page = id >>> PAGE_BITS;
      int at = id & (PAGE - 1);
      totalSize -= numbers[page][at * NUMBERS + 2];
      int length = PathArena.length(refs[page][at]);
      refs[page][at] = 0;
      livePathBytes -= length;
      deadPathBytes += length;
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, free.length * 2);
      }
      free[freeCount++] = id;
      if (deadPathBytes > Math.max(PathArena.CHUNK, livePathBytes)) {
        compactPaths();
      }
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  void clear() {
    long stamp = lock.writeLock();
    try {
      slots = new int[16];
      numbers = new long[0][];
      digests = new byte[0][];
      refs = new long[0][];
      hashes = new int[0][];
      paths = new PathArena();
      ids = live = deletedSlots = freeCount = 0;
      free = new int[16];
      livePathBytes = deadPathBytes = totalSize = 0;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Every entry, each whole, as the writer leaves them meanwhile (weakly consistent). */
  Entries all() {
    return new Entries();
  }

  /** {@link #all}: a view, not a copy. */
  final class Entries extends AbstractCollection<LocalFile> {
    @Override
    public int size() {
      return live;
    }

    @Override
    public Iterator<LocalFile> iterator() {
      return new Lookahead() {
        private int id;

        @Override
        LocalFile advance() {
          while (id < ids) {
            LocalFile f = entry(id++);
            if (f != null) {
              return f;
            }
          }
          return null;
        }
      };
    }
  }

  /** An iterator that finds each next entry one step ahead; null ends it. */
  private abstract static class Lookahead implements Iterator<LocalFile> {
    private LocalFile next;
    private boolean started;

    abstract LocalFile advance();

    @Override
    public boolean hasNext() {
      if (!started) {
        next = advance();
        started = true;
      }
      return next != null;
    }

    @Override
    public LocalFile next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      LocalFile f = next;
      next = advance();
      return f;
    }
  }

  /**
   * The entries in the order of their paths' UTF-8 bytes (unsigned), those after {@code after} only
   * (all when null): the ids are sorted once, under the read lock (a writer waits meanwhile: about
   * a second for a million entries), and each entry is read when its turn comes, so an entry
   * removed meanwhile is skipped, one added is not listed, and one whose id was reused by a path
   * out of order is skipped.
   */
  Iterable<LocalFile> inPathOrder(ContentPath after) {
    byte[] floor = after == null ? null : after.value().getBytes(StandardCharsets.UTF_8);
    int[] order;
    long stamp = lock.readLock();
    try {
      order = sortedIds();
    } finally {
      lock.unlockRead(stamp);
    }
    return () ->
        new Lookahead() {
          private int i;
          private byte[] last = floor;

          @Override
          LocalFile advance() {
            while (i < order.length) {
              LocalFile f = entry(order[i++]);
              if (f == null) {
                continue;
              }
              byte[] key = f.path().value().getBytes(StandardCharsets.UTF_8);
              if (last == null || Arrays.compareUnsigned(key, last) > 0) {
                last = key;
                return f;
              }
            }
            return null;
          }
        };
  }

  /** The bytes of the arrays this index holds (what it costs the heap, headers aside). */
  long footprintBytes() {
    long stamp = lock.readLock();
    try {
      long bytes = 4L * slots.length + 4L * free.length;
      bytes += (long) numbers.length * PAGE * (NUMBERS * 8 + SHA + 8 + 4);
      bytes += paths.footprintBytes();
      return bytes;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** The entry of {@code id}, whole, or null when the id is free. */
  private LocalFile entry(int id) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        LocalFile f = read(id, null);
        if (lock.validate(stamp)) {
          return f;
        }
      } catch (RuntimeException e) {
        if (lock.validate(stamp)) {
          throw e;
        }
      }
    }
    stamp = lock.readLock();
    try {
      return read(id, null);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Builds the entry of {@code id} (null for -1 or a free id); {@code path} when known. */
  private LocalFile read(int id, ContentPath path) {
    if (id < 0) {
      return null;
    }
    int page = id >>> PAGE_BITS;
    int at = id & (PAGE - 1);
    if (page >= refs.length) {
      return null; // cleared meanwhile
    }
    long ref = refs[page][at];
    if (ref == 0) {
      return null;
    }
    long[] n = numbers[page];
    long seq = n[at * NUMBERS];
    long time = n[at * NUMBERS + 1];
    long size = n[at * NUMBERS + 2];
    byte[] sha = Arrays.copyOfRange(digests[page], at * SHA, at * SHA + SHA);
    if (path == null) {
      path = ContentPath.parse(paths.decode(ref));
    }
    return new LocalFile(path, Sha256.ofDigest(sha), size, time, seq);
  }

  private void write(int id, LocalFile f) {
    int page = id >>> PAGE_BITS;
    int at = id & (PAGE - 1);
    long[] n = numbers[page];
    n[at * NUMBERS] = f.seq();
    n[at * NUMBERS + 1] = f.time();
    n[at * NUMBERS + 2] = f.size();
    f.sha256().copyTo(digests[page], at * SHA);
  }

  /** The id of the entry whose path is {@code key}, or -1. */
  private int find(byte[] key, int hash) {
    int slot = slotOf(key, hash);
    return slot < 0 ? -1 : slots[slot] - 1;
  }

  /** The slot holding the entry of {@code key}, or -1; at most one pass over the table. */
  private int slotOf(byte[] key, int hash) {
    int[] table = slots;
    int mask = table.length - 1;
    for (int probe = 0, slot = hash & mask;
        probe < table.length;
        probe++, slot = (slot + 1) & mask) {
      int s = table[slot];
      if (s == 0) {
        return -1;
      }
      if (s > 0
          && hashes[(s - 1) >>> PAGE_BITS][(s - 1) & (PAGE - 1)] == hash
          && sameKey(s - 1, key)) {
        return slot;
      }
    }
    return -1;
  }

  private boolean sameKey(int id, byte[] key) {
    long ref = refs[id >>> PAGE_BITS][id & (PAGE - 1)];
    return ref != 0 && paths.holds(ref, key);
  }

  private int newEntry(byte[] key, int hash) {
    int id;
    if (freeCount > 0) {
      id = free[--freeCount];
    } else {
      id = ids;
      if ((id >>> PAGE_BITS) == numbers.length) {
        addPage();
      }
      ids++;
    }
    hashes[id >>> PAGE_BITS][id & (PAGE - 1)] = hash;
    refs[id >>> PAGE_BITS][id & (PAGE - 1)] = paths.append(key);
    livePathBytes += key.length;
    live++;
    return id;
  }

  private void addPage() {
    int pages = numbers.length + 1;
    numbers = Arrays.copyOf(numbers, pages);
    digests = Arrays.copyOf(digests, pages);
    refs = Arrays.copyOf(refs, pages);
    hashes = Arrays.copyOf(hashes, pages);
    numbers[pages - 1] = new long[PAGE * NUMBERS];
    digests[pages - 1] = new byte[PAGE * SHA];
    refs[pages - 1] = new long[PAGE];
    hashes[pages - 1] = new int[PAGE];
  }

  /** Puts {@code id} in the table, growing or cleaning it first when it would be over 3/4 full. */
  private void insert(int id, int hash) {
    if ((live + deletedSlots) * 4L > slots.length * 3L) {
      int capacity = slots.length;
      while (live * 2L > capacity) {
        capacity *= 2;
      }
      rehash(capacity);
    }
    int mask = slots.length - 1;
    int slot = hash & mask;
    while (slots[slot] > 0) {
      slot = (slot + 1) & mask;
    }
    if (slots[slot] < 0) {
      deletedSlots--;
    }
    slots[slot] = id + 1;
  }

  private void rehash(int capacity) {
    int[] table = new int[capacity];
    int mask = capacity - 1;
    for (int id = 0; id < ids; id++) {
      int page = id >>> PAGE_BITS;
      int at = id & (PAGE - 1);
      if (refs[page][at] != 0) {
        int slot = hashes[page][at] & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = id + 1;
      }
    }
    slots = table;
    deletedSlots = 0;
  }

  /** Rewrites the path arena with live paths only. */
  private void compactPaths() {
    PathArena fresh = new PathArena();
    for (int id = 0; id < ids; id++) {
      int page = id >>> PAGE_BITS;
      int at = id & (PAGE - 1);
      long ref = refs[page][at];
      if (ref != 0) {
        refs[page][at] = fresh.copy(paths, ref);
      }
    }
    paths = fresh;
    deadPathBytes = 0;
  }

  /** Live ids in path order (a merge sort of ints, comparing arena bytes); under a lock. */
  private int[] sortedIds() {
    int[] order = new int[live];
    int n = 0;
    for (int id = 0; id < ids && n < order.length; id++) {
      if (refs[id >>> PAGE_BITS][id & (PAGE - 1)] != 0) {
        order[n++] = id;
      }
    }
    int[] buffer = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        for (int k = lo; k < hi; k++) {
          buffer[k] =
              a < mid && (b >= hi || comparePaths(order[a], order[b]) <= 0)
                  ? order[a++]
                  : order[b++];
        }
      }
      int[] swap = order;
      order = buffer;
      buffer = swap;
    }
    return n == order.length ? order : Arrays.copyOf(order, n);
  }

  private int comparePaths(int a, int b) {
    return paths.compare(
        refs[a >>> PAGE_BITS][a & (PAGE - 1)], refs[b >>> PAGE_BITS][b & (PAGE - 1)]);
  }

  /** A path's table hash: its {@code String} hash, spread (paths share long prefixes). */
  private static int hash(ContentPath path) {
    int h = path.value().hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
