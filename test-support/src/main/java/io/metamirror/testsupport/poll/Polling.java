package io.metamirror.testsupport.poll;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition a background part will make true. The deadline only guards against a hang:
 * a passing test never comes near it, and nothing is asserted about how long it took.
 */
public final class Polling {
  public static final long HANG_GUARD_MILLIS = 20_000;

  private Polling() {}

  /** A condition that may need I/O to check, such as a request to a server under test. */
  public interface Check {
    boolean holds() throws Exception;
  }

  /** Reads a value that may need I/O, such as a status document. */
  public interface Probe<T> {
    T read() throws Exception;
  }

  public static void await(String what, Check condition) throws Exception {
    await(what, condition, () -> "");
  }

  /**
   * @param lastSeen what the failure message adds after {@code what}, e.g. {@code "; last status
   *     ..."}; asked only when the hang guard gives up
   */
  public static void await(String what, Check condition, Supplier<String> lastSeen)
      throws Exception {
    long deadline = deadline();
    while (!condition.holds()) {
      pause(what, deadline, lastSeen);
    }
  }

  /** Reads until the value satisfies {@code condition}; returns that value. */
  public static <T> T awaitValue(String what, Probe<T> probe, Predicate<? super T> condition)
      throws Exception {
    long deadline = deadline();
    T value = probe.read();
    while (!condition.test(value)) {
      T seen = value;
      pause(what, deadline, () -> "; last seen " + seen);
      value = probe.read();
    }
    return value;
  }

  private static long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_GUARD_MILLIS);
  }

  /** Sleeps a little, or fails the test once the hang guard is up. */
  private static void pause(String what, long deadline, Supplier<String> lastSeen)
      throws InterruptedException {
    if (System.nanoTime() - deadline > 0) {
      fail("gave up waiting for " + what + lastSeen.get());
    }
    Thread.sleep(10);
  }
}
