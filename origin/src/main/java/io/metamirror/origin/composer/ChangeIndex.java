package io.metamirror.origin.composer;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.ResyncRequiredException;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of packagist.org's {@code GET /metadata/changes.json?since=T}, derived from the
 * origin's journal: every put of a {@code p2/<vendor>/<name>.json} is an {@code update} of {@code
 * vendor/name}, of a {@code ~dev} file an {@code update} of {@code vendor/name~dev}, and the delete
 * of a stable file a {@code delete} of {@code vendor/name} (both files are gone then; the generator
 * always deletes the pair). Other paths are not Composer packages and are ignored.
 *
 * <p>Timestamps ({@code since} and the returned {@code timestamp}) are in 1/10000 s, action times
 * in Unix seconds, as packagist.org does. Because every batch of the origin is strictly later than
 * the batches before it, the returned timestamp ({@code newest entry time + 1 ms}) misses no later
 * change. An action's time is its entry's time in whole seconds, which is the Last-Modified second
 * of the file it announces, so "Last-Modified ≥ action time" holds.
 *
 * <p>{@code resync} is answered when {@code since} is older than what the retained journal covers,
 * or when more than {@link #MAX_ACTIONS} packages changed since then.
 */
public final class ChangeIndex {
  /** Above this many changed packages a follower is told to resync instead. */
  public static final int MAX_ACTIONS = 10_000;

  private static final int READ_LIMIT = 10_000;

  private final OriginRepository origin;
  private final Clock clock;
  private final int maxActions;

  // guarded by this
  private final List<Item> items = new ArrayList<>();
  private long indexedSeq = -1;
  private long horizonMillis;
  private long newestMillis = -1;

  private record Item(long time, long prefixMaxTime, String key, boolean delete) {}

  public ChangeIndex(OriginRepository origin, Clock clock) {
    this(origin, clock, MAX_ACTIONS);
  }

  ChangeIndex(OriginRepository origin, Clock clock, int maxActions) {
    this.origin = origin;
    this.clock = clock;
    this.maxActions = maxActions;
  }

  /** One action of a {@code changes.json} answer. */
  public record Action(String type, String packageKey, long timeSeconds) {}

  /**
   * A {@code changes.json} answer: the actions (or one {@code resync}) and the next {@code since}.
   */
  public record Answer(List<Action> actions, long timestamp) {
    public boolean resync() {
      return actions.size() == 1 && actions.get(0).type().equals("resync");
    }
  }

  /** The {@code since} a follower starting now should use; the 400 answer carries it. */
  public synchronized long currentTimestamp() throws IOException {
    refresh();
    return nextTimestamp();
  }

  /** The changes at or after {@code since} (1/10000 s), at most one action per package key. */
  public synchronized Answer since(long since) throws IOException {
    refresh();
    long next = Math.max(nextTimestamp(), since);
    if (since < horizonMillis * 10) {
      return resync(next);
    }
    int first = firstCandidate(since);
    Map<String, Item> latest = new LinkedHashMap<>();
    for (int i = first; i < items.size(); i++) {
      Item item = items.get(i);
      if (item.time() * 10 < since) {
        continue;
      }
      latest.remove(item.key());
      latest.put(item.key(), item);
      if (item.delete()) {
        latest.remove(item.key() + "~dev");
      }
      if (latest.size() > maxActions) {
        return resync(next);
      }
    }
    List<Action> actions = new ArrayList<>(latest.size());
    for (Item item : latest.values()) {
      actions.add(new Action(item.delete() ? "delete" : "update", item.key(), item.time() / 1000));
    }
    return new Answer(List.copyOf(actions), next);
  }

  private Answer resync(long next) {
    return new Answer(List.of(new Action("resync", "*", clock.millis() / 1000)), next);
  }

  private long nextTimestamp() {
    return newestMillis >= 0 ? (newestMillis + 1) * 10 : clock.millis() * 10;
  }

  /** The first index whose running maximum time reaches {@code since}; nothing before matters. */
  private int firstCandidate(long since) {
    int lo = 0;
    int hi = items.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (items.get(mid).prefixMaxTime() * 10 < since) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Reads the journal entries published since the last call. */
  private void refresh() throws IOException {
    long head = origin.head();
    if (indexedSeq < 0) {
      restart();
    }
    while (indexedSeq < head) {
      List<byte[]> page;
      try {
        page = origin.readFeed(indexedSeq, head, READ_LIMIT);
      } catch (ResyncRequiredException e) {
        // Retention dropped entries we had not read yet: start over from what is retained.
        restart();
        continue;
      }
      if (page.isEmpty()) {
        break;
      }
      for (byte[] json : page) {
        JournalEntry entry;
        try {
          entry = JournalEntry.parse(json);
        } catch (ProtocolException e) {
          throw new UncheckedIOException(new IOException("unreadable journal entry", e));
        }
        index(entry);
        indexedSeq = entry.seq();
      }
    }
  }

  private void restart() throws IOException {
    items.clear();
    long first = origin.firstRetainedSeq();
    indexedSeq = first - 1;
    horizonMillis = 0;
    if (first > 1) {
      // Entries before the first retained one are gone; a since older than it (plus a second, as a
      // dropped batch may share the retained one's second) cannot be answered.
      List<byte[]> page = origin.readFeed(indexedSeq, origin.head(), 1);
      if (!page.isEmpty()) {
        try {
          horizonMillis = JournalEntry.parse(page.get(0)).time() + 1000;
        } catch (ProtocolException e) {
          throw new IOException("unreadable journal entry", e);
        }
      }
    }
  }

  private void index(JournalEntry entry) {
    newestMillis = Math.max(newestMillis, entry.time());
    String key = packageKey(entry.path().toString());
    if (key == null) {
      return;
    }
    boolean delete = entry.op() == JournalEntry.Op.DELETE;
    if (delete && key.endsWith("~dev")) {
      return; // the delete of the stable file announces both
    }
    long prefixMax = items.isEmpty() ? entry.time() : items.get(items.size() - 1).prefixMaxTime();
    items.add(new Item(entry.time(), Math.max(prefixMax, entry.time()), key, delete));
  }

  /** {@code vendor/name} or {@code vendor/name~dev} for a p2 path, else {@code null}. */
  static String packageKey(String path) {
    if (!path.startsWith("p2/") || !path.endsWith(".json")) {
      return null;
    }
    String key = path.substring(3, path.length() - ".json".length());
    int slash = key.indexOf('/');
    if (slash <= 0 || key.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    String name = key.endsWith("~dev") ? key.substring(0, key.length() - 4) : key;
    return PackageName.problem(name).isPresent() ? null : key;
  }
}
