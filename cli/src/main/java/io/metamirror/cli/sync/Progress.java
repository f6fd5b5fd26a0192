package io.metamirror.cli.sync;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncStatus;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * Shows bootstrap and catch-up progress: a bar redrawn in place on a terminal, otherwise one line
 * every few seconds while there is work (so logs stay readable).
 */
final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;

  private final Supplier<SyncStatus> status;
  private final PrintWriter err;
  private final boolean terminal;
  private final Thread thread;
  private volatile boolean stopped;
  private boolean drawn;

  Progress(Supplier<SyncStatus> status, PrintWriter err, boolean terminal) {
    this.status = status;
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
      SyncStatus s = status.get();
      String line = line(s);
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

  static String line(SyncStatus s) {
    if (s.progressTotal() <= 0) {
      return null;
    }
    double fraction = Math.min(1.0, (double) s.progressDone() / s.progressTotal());
    int filled = (int) Math.round(fraction * WIDTH);
    String what = s.state() == SyncState.BOOTSTRAPPING ? "files" : "entries";
    return String.format(
        "%s [%s%s] %3d%% %d/%d %s",
        s.state(),
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        (int) (fraction * 100),
        s.progressDone(),
        s.progressTotal(),
        what);
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    if (drawn) {
      err.println();
      err.flush();
    }
  }
}
