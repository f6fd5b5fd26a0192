package io.metamirror.mirror.node;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking a node out of service without failing a request (the admin endpoint, SIGTERM or SIGINT in
 * the CLI), in this order:
 *
 * <ol>
 *   <li>{@link #begin()}: health answers 503 at once, so DNS and load balancers move clients away;
 *   <li>the node keeps serving every other request normally for the grace period (match the DNS
 *       TTL), since clients still hold its address;
 *   <li>{@code stop} runs: the listener closes, so new connections are refused rather than answered
 *       503; requests in flight finish (bounded); the node stops.
 * </ol>
 *
 * <p>A drain begins at most once: the caller whose {@link #begin()} returned true runs {@link
 * #finish()} (or {@link #finishInBackground()}); for everyone else it is already under way.
 */
final class Drain {
  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  private final Duration grace;
  private final Runnable stop;
  private final AtomicBoolean begun = new AtomicBoolean();

  Drain(Duration grace, Runnable stop) {
    this.grace = grace;
    this.stop = stop;
  }

  Duration grace() {
    return grace;
  }

  boolean draining() {
    return begun.get();
  }

  /** Turns health to 503; false when a drain had already begun. */
  boolean begin() {
    return begun.compareAndSet(false, true);
  }

  /** Serves on for the grace period, then stops; blocks until stopped. */
  void finish() {
    log.info("event=drain_started grace_s={}", grace.toSeconds());
    try {
      Thread.sleep(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop.run();
  }

  /** {@link #finish()} on a thread of its own, for a caller that must answer first. */
  void finishInBackground() {
    Thread t = new Thread(this::finish, "metamirror-drain");
    t.setDaemon(true);
    t.start();
  }
}
