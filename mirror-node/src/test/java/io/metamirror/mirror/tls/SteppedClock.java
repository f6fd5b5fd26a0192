package io.metamirror.mirror.tls;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test steps it, so "the interval has passed" is exact. */
final class SteppedClock extends Clock {
  private volatile Instant now;

  SteppedClock(Instant start) {
    this.now = start;
  }

  void step(Duration by) {
    now = now.plus(by);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("SteppedClock is UTC only");
  }
}
