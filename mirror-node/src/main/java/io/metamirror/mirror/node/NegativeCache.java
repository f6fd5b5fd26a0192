package io.metamirror.mirror.node;

import io.metamirror.protocol.ContentPath;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Origin 404s a node remembers so that a crowd asking for a missing path costs the origin one
 * request, when {@code --negative-ttl} is above 0. It is 0 by default (every local miss asks the
 * origin): a remembered 404 trades correctness right after a publish for origin load.
 *
 * <p>The contract. A remembered 404 keeps the origin's position (epoch, seq) at which the origin
 * found the path missing, and {@link #answers} says yes only while all of these hold:
 *
 * <ul>
 *   <li>its time to live has not run out;
 *   <li>no commit of the path has reached the store since ({@link #forget});
 *   <li>the node knows of no later seq in that epoch, and of no other epoch.
 * </ul>
 *
 * A put of the path that the origin acknowledges after that 404 has a later seq (the origin reads
 * its head before the lookup, and its head never runs ahead of its tree), so once the node has
 * heard of that seq, from its feed or from any origin answer, the 404 is not served again. Before
 * the node hears of it, it can be: DESIGN §5 says for how long.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} 404s (a crowd asking for ever new missing paths must not
 * grow the heap). A full cache drops what has expired, at most once a second, and otherwise
 * remembers nothing new: not remembering is never wrong, it only costs an origin request.
 *
 * <p>Thread-safe: entries live in a concurrent map, and each decision reads one entry; an entry
 * that no longer answers is dropped by the request that finds it so.
 */
final class NegativeCache {
  /** Where the origin's history was: its epoch and a seq in it. */
  record Position(String epoch, long seq) {}

  private record Entry(Position at, long expiresAtMillis) {}

  static final int MAX_ENTRIES = 100_000;

  private final long ttlMillis;
  private final int maxEntries;
  private final Map<ContentPath, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong lastSweepMillis = new AtomicLong(Long.MIN_VALUE / 2);

  NegativeCache(Duration ttl) {
    this(ttl, MAX_ENTRIES);
  }

  NegativeCache(Duration ttl, int maxEntries) {
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
  }

  boolean enabled() {
    return ttlMillis > 0;
  }

  /**
   * Remembers that the origin had no {@code path} at {@code at}; nothing when the cache is off or
   * the position is unknown (null).
   */
  void remember(ContentPath path, Position at, long nowMillis) {
    if (!enabled() || at == null || at.epoch() == null) {
      return;
    }
    if (entries.size() >= maxEntries && !sweep(nowMillis)) {
      return;
    }
    entries.put(path, new Entry(at, nowMillis + ttlMillis));
  }

  /** Drops the expired entries, at most once a second; whether there is room now. */
  private boolean sweep(long nowMillis) {
    long last = lastSweepMillis.get();
    if (nowMillis - last >= 1000 && lastSweepMillis.compareAndSet(last, nowMillis)) {
      entries.values().removeIf(e -> nowMillis >= e.expiresAtMillis());
    }
    return entries.size() < maxEntries;
  }

  /** How many 404s are remembered, for tests. */
  int size() {
    return entries.size();
  }

  /**
   * Whether a remembered 404 answers for {@code path} now, the node knowing the origin to be at
   * {@code known} (null: at nothing comparable, as when the node is between epochs).
   */
  boolean answers(ContentPath path, Position known, long nowMillis) {
    Entry entry = entries.get(path);
    if (entry == null) {
      return false;
    }
    boolean holds =
        nowMillis < entry.expiresAtMillis()
            && known != null
            && entry.at().epoch().equals(known.epoch())
            && known.seq() <= entry.at().seq();
    if (!holds) {
      entries.remove(path, entry);
    }
    return holds;
  }

  /** The feed brought these paths: what was remembered of them is wrong from now on. */
  void forget(Iterable<ContentPath> paths) {
    for (ContentPath p : paths) {
      entries.remove(p);
    }
  }
}
