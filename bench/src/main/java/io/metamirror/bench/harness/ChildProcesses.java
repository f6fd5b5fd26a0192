package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every process a benchmark starts: servers (origin, mirror node, nginx, rsync daemon), agents and
 * the short tools (rsync, sync, wrk). {@link #stopAll} stops what is still running, newest first
 * (clients before the servers they talk to), when the run ends however it ends.
 */
public final class ChildProcesses {
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration TOOL_LIMIT = Duration.ofMinutes(30);

  private final Deque<Process> running = new ArrayDeque<>();

  /**
   * Starts a long-running process, its output (stdout and stderr) appended to {@code log}, or
   * discarded when {@code log} is null.
   */
  public Process start(List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                log == null
                    ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    return track(builder.start());
  }

  /**
   * Runs a short tool to its end with its output on ours (rsync, sync: they print only on trouble);
   * fails on a non-zero exit.
   */
  public void run(String... command) throws IOException, InterruptedException {
    Process p = track(new ProcessBuilder(command).inheritIO().start());
    awaitSuccess(p, List.of(command), TOOL_LIMIT, "");
  }

  /**
   * Runs a command to its end with its output appended to {@code log}; fails on a non-zero exit.
   */
  public void run(List<String> command, Map<String, String> environment, Path log)
      throws IOException, InterruptedException {
    await(start(command, environment, log), command, log);
  }

  /**
   * Waits for a process {@link #start} started to end; fails on a non-zero exit, with the end of
   * its log.
   */
  public void await(Process p, List<String> command, Path log)
      throws IOException, InterruptedException {
    awaitSuccess(p, command, TOOL_LIMIT, log == null ? "" : ": " + lastLines(log, 5, " | "));
  }

  /**
   * Reads every file under {@code dir}, off the clock, so that what follows starts from a warm page
   * cache: the VMs this was written on page out page cache left untouched for ~30 s, and a source
   * written a minute before then measured the disk more than the program.
   */
  public void readWhole(Path dir) throws IOException, InterruptedException {
    run("sh", "-c", "find \"$1\" -type f -print0 | xargs -0 cat > /dev/null", "sh", dir.toString());
  }

  /**
   * Runs a tool whose output is its result (wrk, openssl s_time), stdout and stderr together;
   * fails, with that output, on a non-zero exit or after {@code limit}.
   */
  public String output(List<String> command, Duration limit)
      throws IOException, InterruptedException {
    Process p = track(new ProcessBuilder(command).redirectErrorStream(true).start());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    awaitSuccess(p, command, limit, ":\n" + out);
    return out;
  }

  /** SIGTERM, then SIGKILL if the process has not exited after 30 s. */
  public void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        System.err.printf("[bench] pid %d did not stop within 30 s; killing it%n", p.pid());
        p.destroyForcibly();
        p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
      }
    }
    synchronized (running) {
      running.remove(p);
    }
  }

  /** SIGKILL, as a crash would end it: no shutdown hook, no drain; returns once it has exited. */
  public void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("pid " + p.pid() + " survived SIGKILL for 30 s");
    }
    synchronized (running) {
      running.remove(p);
    }
  }

  /** Stops every process still running, the newest first. */
  public void stopAll() {
    while (true) {
      Process p;
      synchronized (running) {
        p = running.peekFirst();
      }
      if (p == null) {
        return;
      }
      try {
        stop(p);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        synchronized (running) {
          running.remove(p);
        }
      }
    }
  }

  /** The last {@code count} lines of a log, joined by {@code separator}, for an error message. */
  public static String lastLines(Path log, int count, String separator) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(separator, lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log)";
    }
  }

  private Process track(Process p) {
    synchronized (running) {
      running.addFirst(p);
    }
    return p;
  }

  private void awaitSuccess(Process p, List<String> command, Duration limit, String detail)
      throws IOException, InterruptedException {
    boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new BenchFailure(
          String.join(" ", command)
              + (exited ? " exited with " + p.exitValue() : " did not end within " + limit)
              + detail);
    }
    synchronized (running) {
      running.remove(p);
    }
  }
}
