package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  /** A clock the test moves by hand. */
  private static final class SteppedClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void aClientGetsItsBurstThenOneRequestPerRefillAndOthersAreUnaffected() throws Exception {
    SteppedClock clock = new SteppedClock();
    RateLimiter limiter = new RateLimiter(10, 20, clock, exchange -> {});
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    for (int i = 0; i < 20; i++) {
      assertTrue(limiter.take(a), "burst request " + i);
    }
    assertFalse(limiter.take(a), "the 21st request in the same instant is refused");
    assertTrue(limiter.take(b), "another client has its own bucket");
    clock.millis += 100; // 10 per second: one token back
    assertTrue(limiter.take(a));
    assertFalse(limiter.take(a));
  }
}
