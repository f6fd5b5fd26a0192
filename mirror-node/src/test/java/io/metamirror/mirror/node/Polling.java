package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/**
 * Waits for a condition a background part will make true. The deadline only guards against a hang:
 * a passing test never comes near it, and nothing is asserted about how long it took.
 */
final class Polling {
  static final long HANG_GUARD_MILLIS = 20_000;

  private Polling() {}

  interface Check {
    boolean holds() throws Exception;
  }

  static void await(String what, Check condition) throws Exception {
    await(what, condition, () -> "");
  }

  static void await(String what, Check condition, Supplier<String> lastSeen) throws Exception {
    long deadline = System.nanoTime() + HANG_GUARD_MILLIS * 1_000_000;
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        fail("gave up waiting for " + what + " " + lastSeen.get());
      }
      Thread.sleep(10);
    }
  }
}
