package io.metamirror.cli.mirror;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT for a command that drains before it exits. The first starts the drain on a
 * thread of its own, and the command returns (exit 0) once the drain is done; a second, while the
 * drain runs, ends the process at once with 128 + the signal's number (143 for SIGTERM, 130 for
 * SIGINT), as a shell reports a process that the signal killed.
 *
 * <p>Why not a shutdown hook: the JVM runs hooks for SIGTERM and then exits 143 whatever they do,
 * so a clean drain would look like a failure to a service manager; and a second signal while hooks
 * run is ignored. {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to take a
 * signal over.
 */
final class StopSignals {
  private StopSignals() {}

  /**
   * Takes SIGTERM and SIGINT over; false when the JVM would not let them be (then the caller's
   * shutdown hook is all there is). A signal ignored when the process started (SIGINT of a
   * background job) stays ignored.
   */
  static boolean install(Runnable drain) {
    AtomicBoolean received = new AtomicBoolean();
    SignalHandler handler =
        signal -> {
          if (received.compareAndSet(false, true)) {
            Thread t = new Thread(drain, "metamirror-drain");
            t.start();
          } else {
            System.err.println(
                "metamirror: second SIG"
                    + signal.getName()
                    + ", exiting without finishing the drain");
            System.err.flush();
            // halt, not exit: exit would run the shutdown hooks, and the last-resort one drains.
            Runtime.getRuntime().halt(128 + signal.getNumber());
          }
        };
    try {
      Signal.handle(new Signal("TERM"), handler);
      Signal.handle(new Signal("INT"), handler);
      return true;
    } catch (IllegalArgumentException e) { // -Xrs, or a platform without these signals
      return false;
    }
  }
}
