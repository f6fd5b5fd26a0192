package io.metamirror.mirror.node;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking a node out of service without failing a request (the admin endpoint, SIGTERM in the CLI):
 * from {@link #begin()} on, health answers 503 so DNS moves clients away; the node keeps serving
 * for the grace period, then {@code stop} runs, which lets in-flight requests finish.
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
