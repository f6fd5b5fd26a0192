package io.metamirror.sync.agent;

import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Runs a sync agent in a child JVM for tests that kill it: {@code ORIGIN STORE PAGE_LIMIT
 * [HALT_AFTER_INSTALL_STEPS]}. With the last argument, the process halts (as abruptly as a kill -9:
 * no shutdown hooks, nothing flushed) once a bootstrap has done that many install steps.
 */
public final class SyncProcessMain {
  private SyncProcessMain() {}

  /** An agent catching {@code store} up with {@code origin}, {@code pageLimit} entries a page. */
  static Process start(URI origin, Path store, int pageLimit) throws IOException {
    return start(origin, store, pageLimit, -1);
  }

  /** The same, halting after that many install steps of a bootstrap (none when not positive). */
  static Process start(URI origin, Path store, int pageLimit, int haltAfterInstallSteps)
      throws IOException {
    return start(
        origin,
        store,
        pageLimit,
        haltAfterInstallSteps,
        SyncAgent.Config.DEFAULT_SNAPSHOT_BEHIND_PERCENT);
  }

  /** An agent that replays every backlog page by page, however far behind (never a snapshot). */
  static Process startReplaying(URI origin, Path store, int pageLimit) throws IOException {
    return start(origin, store, pageLimit, -1, 0);
  }

  private static Process start(
      URI origin, Path store, int pageLimit, int haltAfterInstallSteps, int snapshotBehindPercent)
      throws IOException {
    // C1 only: the child lives for seconds, so compiling hot code fully would not pay off.
    return ChildJvm.command(
            SyncProcessMain.class,
            List.of("-XX:TieredStopAtLevel=1"),
            origin.toString(),
            store.toString(),
            Integer.toString(pageLimit),
            Integer.toString(haltAfterInstallSteps),
            Integer.toString(snapshotBehindPercent))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  public static void main(String[] args) throws Exception {
    try (Store store = Store.open(Path.of(args[1]));
        SyncAgent agent =
            new SyncAgent(
                store,
                SyncAgent.Config.defaults(URI.create(args[0]))
                    .withPageLimit(Integer.parseInt(args[2]))
                    .withParallel(4)
                    .withSnapshotBehindPercent(Integer.parseInt(args[4])),
                Clock.systemUTC())) {
      int haltAfter = Integer.parseInt(args[3]);
      if (haltAfter > 0) {
        agent.afterInstallStep(
            n -> {
              if (n >= haltAfter) {
                Runtime.getRuntime().halt(137);
              }
            });
      }
      agent.catchUp();
    }
    System.out.println("caught-up");
  }
}
