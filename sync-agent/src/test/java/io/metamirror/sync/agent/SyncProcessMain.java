package io.metamirror.sync.agent;

import io.metamirror.sync.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

/** Runs a sync agent in a child JVM for tests that kill it: {@code ORIGIN STORE PAGE_LIMIT}. */
public final class SyncProcessMain {
  private SyncProcessMain() {}

  public static void main(String[] args) throws Exception {
    try (Store store = Store.open(Path.of(args[1]));
        SyncAgent agent =
            new SyncAgent(
                store,
                SyncAgent.Config.defaults(URI.create(args[0]))
                    .withPageLimit(Integer.parseInt(args[2]))
                    .withParallel(4),
                Clock.systemUTC())) {
      agent.catchUp();
    }
    System.out.println("caught-up");
  }
}
