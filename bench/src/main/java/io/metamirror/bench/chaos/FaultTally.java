package io.metamirror.bench.chaos;

import io.metamirror.bench.chaos.ResponseJudge.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One row of the chaos table: the GETs started while one fault was under way (injected, held,
 * recovered, caught up), counted by outcome, and the longest catch-up measured after it. Counting
 * is thread-safe; the catch-up and notes are set by the run's one driving thread.
 */
final class FaultTally {
  private final String fault;
  private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);
  private final LongAdder publishFailures = new LongAdder();
  private final AtomicInteger findings = new AtomicInteger();
  private final List<String> notes = new ArrayList<>();
  private double maxCatchUpSeconds;
  private boolean caughtUp = true;

  FaultTally(String fault) {
    this.fault = fault;
    for (Outcome o : Outcome.values()) {
      counts.put(o, new LongAdder());
    }
  }

  String fault() {
    return fault;
  }

  void add(Outcome outcome) {
    counts.get(outcome).increment();
  }

  long count(Outcome... outcomes) {
    long sum = 0;
    for (Outcome o : outcomes) {
      sum += counts.get(o).sum();
    }
    return sum;
  }

  /** Counts a finding of this row; true for the first {@code shown}, which are logged in full. */
  boolean finding(int shown) {
    return findings.incrementAndGet() <= shown;
  }

  /** A publish failed while the origin was not declared down. */
  void publishFailed() {
    publishFailures.increment();
  }

  long publishFailures() {
    return publishFailures.sum();
  }

  /** Every GET started during the fault. */
  long requests() {
    return count(Outcome.values());
  }

  /** A catch-up measured after the fault, in seconds; NaN when the nodes did not catch up. */
  void catchUp(double seconds) {
    if (Double.isNaN(seconds)) {
      caughtUp = false;
    } else {
      maxCatchUpSeconds = Math.max(maxCatchUpSeconds, seconds);
    }
  }

  double maxCatchUpSeconds() {
    return maxCatchUpSeconds;
  }

  boolean caughtUp() {
    return caughtUp;
  }

  void note(String note) {
    notes.add(note);
  }

  List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * Whether this row makes the run fail: a wrong answer, a 5xx not allowed, an unanswered GET or
   * failed publish outside a declared outage, a node that did not catch up.
   */
  boolean failed() {
    return count(Outcome.WRONG_404, Outcome.WRONG_BODY, Outcome.OTHER_5XX, Outcome.FAILED) > 0
        || publishFailures() > 0
        || !caughtUp;
  }
}
