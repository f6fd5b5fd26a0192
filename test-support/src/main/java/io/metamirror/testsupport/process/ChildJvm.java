package io.metamirror.testsupport.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A class's {@code main} in a child JVM on this test run's class path, for tests that kill a real
 * process: a SIGKILL ends a process, not a thread, and leaves its files as a crash would.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * {@code java [jvmOptions] -cp <class path> main args}, logging at warn, its standard error
   * inherited so that a failing child shows in the test's output. The caller decides what happens
   * to standard output (discarded, or read for a line the child prints) and starts it.
   */
  public static ProcessBuilder command(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    // Surefire runs tests from a manifest-only jar; this property has the real class path.
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
  }

  /** Sends {@code signal} ("TERM", "HUP", …) with the system's {@code kill}, which must succeed. */
  public static void signal(Process process, String signal)
      throws java.io.IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** SIGKILL; returns once the process is gone, so its file operations are over. */
  public static void kill(Process process) throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
