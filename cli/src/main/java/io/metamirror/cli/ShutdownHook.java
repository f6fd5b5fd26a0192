package io.metamirror.cli;

import java.util.concurrent.CountDownLatch;

/**
 * How a long-running command ends when the JVM is asked to stop (SIGINT, SIGTERM): its work stops
 * first, then what holds its data is closed, so that the close (a checkpoint, a cursor) still runs.
 * A failed close is one line on stderr; by then no command is left to report it.
 */
public final class ShutdownHook {
  private ShutdownHook() {}

  /**
   * Registers the hook and returns a latch that opens once it has run.
   *
   * @param stop stops the work (servers, agents, progress); it must not throw
   * @param data what to close after {@code stop}, named {@code what} if that fails
   */
  public static CountDownLatch register(Runnable stop, String what, AutoCloseable data) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.run();
                  try {
                    data.close();
                  } catch (Exception e) {
                    System.err.println(
                        "metamirror: closing the " + what + " failed: " + e.getMessage());
                  }
                  stopped.countDown();
                },
                "metamirror-shutdown"));
    return stopped;
  }
}
