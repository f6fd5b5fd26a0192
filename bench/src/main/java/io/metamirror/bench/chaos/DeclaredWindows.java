package io.metamirror.bench.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The intervals during which the run declared something down: {@link #ORIGIN} for an origin outage
 * (killed, or hung behind the proxies), a node's name while it is killed. A window is open from
 * just before the fault is injected until the run has seen the part answer again; times are {@link
 * System#nanoTime} readings. Thread-safe: each part's list is guarded by itself.
 */
public final class DeclaredWindows {
  static final String ORIGIN = "origin";

  private record Window(long from, long to) {}

  private final Map<String, List<Window>> windows = new ConcurrentHashMap<>();

  /** Declares {@code part} down from {@code now} until {@link #close}. */
  void open(String part, long now) {
    List<Window> list = windows.computeIfAbsent(part, p -> new ArrayList<>());
    synchronized (list) {
      if (!list.isEmpty() && list.get(list.size() - 1).to() == PublishTimeline.NEVER) {
        throw new IllegalStateException("already declared down: " + part);
      }
      list.add(new Window(now, PublishTimeline.NEVER));
    }
  }

  /** Ends the open window of {@code part} at {@code now}. */
  void close(String part, long now) {
    List<Window> list = windows.getOrDefault(part, List.of());
    synchronized (list) {
      int last = list.size() - 1;
      if (last < 0 || list.get(last).to() != PublishTimeline.NEVER) {
        throw new IllegalStateException("not declared down: " + part);
      }
      list.set(last, new Window(list.get(last).from(), now));
    }
  }

  /** Whether {@code part} was declared down at some instant of {@code [start, end]}. */
  boolean overlaps(String part, long start, long end) {
    List<Window> list = windows.getOrDefault(part, List.of());
    synchronized (list) {
      return list.stream().anyMatch(w -> w.from() <= end && w.to() >= start);
    }
  }
}
