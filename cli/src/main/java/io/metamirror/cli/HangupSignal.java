package io.metamirror.cli;

/**
 * SIGHUP for a long-running command that rereads something on it: {@code dns watch} (a pass at
 * once) and {@code mirror serve} (its certificate). A service manager sends it to reload ({@code
 * systemctl reload}, the units' {@code ExecReload=}). Java has no public signal API; {@code
 * sun.misc.Signal} (module jdk.unsupported) is the supported-in-practice one.
 */
public final class HangupSignal {
  private HangupSignal() {}

  /**
   * Runs {@code action} on every SIGHUP, on the JVM's signal thread, instead of ending the process.
   * Returns false where SIGHUP cannot be taken over (then it ends the process, as it did before).
   */
  @SuppressWarnings("removal")
  public static boolean onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false;
    }
  }
}
