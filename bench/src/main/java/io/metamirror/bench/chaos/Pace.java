package io.metamirror.bench.chaos;

/**
 * Keeps one client thread to at most {@code perSecond} iterations a second: {@link #await} before
 * each sleeps until the next slot (a slow iteration does not earn a burst after it). One per
 * thread.
 */
public final class Pace {
  private final long pauseNanos;
  private long next = System.nanoTime();

  public Pace(int perSecond) {
    this.pauseNanos = 1_000_000_000L / perSecond;
  }

  public void await() throws InterruptedException {
    long wait = next - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
    next = Math.max(next + pauseNanos, System.nanoTime());
  }
}
