package io.metamirror.cli.sync;

import io.metamirror.cli.CommandOutput;
import io.metamirror.sync.agent.ShrinkGuard;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror sync accept-epoch}: let the shrink the store's agent refused through, once. */
@Command(
    name = "accept-epoch",
    description =
        "Accept the new epoch or feed page the store's sync agent refused because it would remove"
            + " more than --max-shrink of the store's files (state refused_shrink). The agent,"
            + " running or next started, applies it at its next retry; only that change is"
            + " accepted, a later shrink is refused again. Safe while the agent or node runs.")
public final class SyncAcceptEpochCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin StoreDirectory store;

  @Override
  public Integer call() throws Exception {
    ShrinkGuard.Change accepted = ShrinkGuard.accept(store.path);
    if (accepted == null) {
      throw new IOException(
          "nothing to accept: the sync agent of " + store.path + " has refused no shrink");
    }
    cli.out()
        .printf(
            "accepted the %s of epoch %s at seq %d, which removes %d of %d files; the agent"
                + " applies it at its next retry%n",
            accepted.what(),
            accepted.epoch(),
            accepted.seq(),
            accepted.removed(),
            accepted.files());
    return 0;
  }
}
