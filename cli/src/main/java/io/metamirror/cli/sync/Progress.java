package io.metamirror.cli.sync;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncStatus;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * Shows the progress of long work (a bootstrap or catch-up, a publish, a verify): a bar redrawn in
 * place on a terminal, otherwise one line every few seconds while there is work (so logs stay
 * readable). It polls a {@link Count} supplier from its own daemon thread; {@code null} means no
 * work right now.
 */
public final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;

  /**
   * How far some work has come: {@code done} of {@code total} {@code unit}s, under a {@code label}
   * such as {@code BOOTSTRAPPING} or {@code publishing batch 3/21}.
   */
  public record Count(String label, long done, long total, String unit) {}

  private final Supplier<Count> count;
  private final PrintWriter err;
  private final boolean terminal;
  private final Thread thread;
  private volatile boolean stopped;
  private boolean drawn;

  /** Shows {@code count}, started at once; {@code terminal} picks the bar over the lines. */
  public static Progress start(Supplier<Count> count, PrintWriter err, boolean terminal) {
    Progress progress = new Progress(err, terminal, count);
    progress.start();
    return progress;
  }

  /** Whether this process writes to a terminal: where the bar is drawn. */
  public static boolean onTerminal() {
    return System.console() != null;
  }

  /** The progress of a sync agent: its bootstrap or catch-up, nothing while it is caught up. */
  Progress(Supplier<SyncStatus> status, PrintWriter err, boolean terminal) {
    this(err, terminal, () -> count(status.get()));
  }

  private Progress(PrintWriter err, boolean terminal, Supplier<Count> count) {
    this.count = count;
    this.err = err;
    this.terminal = terminal;
    this.thread = new Thread(this::run, "metamirror-progress");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long lastLine = 0;
    while (!stopped) {
      String line = line(count.get());
      long now = System.currentTimeMillis();
      if (line != null && terminal) {
        err.print("\r" + line + "   ");
        err.flush();
        drawn = true;
      } else if (line == null && drawn) {
        err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
        err.flush();
        drawn = false;
      } else if (line != null && now - lastLine >= 5000) {
        err.println(line);
        err.flush();
        lastLine = now;
      }
      try {
        Thread.sleep(terminal ? 200 : 1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  static Count count(SyncStatus s) {
    String unit = s.state() == SyncState.BOOTSTRAPPING ? "files" : "entries";
    return new Count(s.state().toString(), s.progressDone(), s.progressTotal(), unit);
  }

  /** The bar for {@code c}, or null when there is nothing to show (no count, or no total). */
  static String line(Count c) {
    if (c == null || c.total() <= 0) {
      return null;
    }
    double fraction = Math.min(1.0, (double) Math.max(0, c.done()) / c.total());
    int filled = (int) Math.round(fraction * WIDTH);
    return String.format(
        "%s [%s%s] %3d%% %d/%d %s",
        c.label(),
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        (int) (fraction * 100),
        c.done(),
        c.total(),
        c.unit());
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      // The last draw must not land after the newline below.
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (drawn) {
      err.println();
      err.flush();
    }
  }
}
