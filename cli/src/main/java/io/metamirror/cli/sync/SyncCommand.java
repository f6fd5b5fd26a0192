package io.metamirror.cli.sync;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ShutdownHook;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.sync.agent.SyncStatus;
import io.metamirror.sync.store.Store;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code metamirror sync}: keep a local store equal to the origin's tree. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    description =
        "Keep a local store equal to the origin's tree: bootstrap from a snapshot, then follow the"
            + " feed (long-poll), fetching blobs in parallel and committing them in journal order."
            + " The store can be served as it is by any web server (files at their paths, .gz twins"
            + " for gzip_static, mtime = publish time). Follows until interrupted, or with --once"
            + " catches up and exits.",
    subcommands = {SyncStatusCommand.class, SyncVerifyCommand.class, SyncAcceptEpochCommand.class})
public final class SyncCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  // Not `required`: picocli would then demand it before `sync status` and `sync verify` too.
  @Option(names = "--origin", paramLabel = "URL", description = "The origin's base URL (required).")
  URI origin;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description = "The store directory, created if missing (required).")
  Path store;

  @Option(names = "--once", description = "Catch up with the origin's head, then exit.")
  boolean once;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "Concurrent blob downloads while following; a bootstrap writes with at most one batch"
              + " per CPU (at least 2) and never more than this (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--page-limit",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Entries per feed request (default: ${DEFAULT-VALUE}).")
  int pageLimit;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "Long-poll wait per feed request, at most 60 (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(
      names = "--max-backoff",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "Longest pause between retries after a failure (default: ${DEFAULT-VALUE}); while the"
              + " origin is away its health is asked every second, and the pause ends as soon as"
              + " it is back.")
  double maxBackoffSeconds;

  @Mixin ShrinkGuardOption shrinkGuard;

  @Mixin SnapshotBehindOption snapshotBehind;

  SyncAgent.Config config() {
    if (origin == null || store == null) {
      throw cli.usageError(
          "Missing required option"
              + (origin == null && store == null
                  ? "s: '--origin=URL', '--store=DIR'"
                  : origin == null ? ": '--origin=URL'" : ": '--store=DIR'"));
    }
    try {
      return SyncAgent.Config.defaults(origin)
          .withParallel(parallel)
          .withPageLimit(pageLimit)
          .withWaitSeconds(waitSeconds)
          .withMaxBackoff(Duration.ofMillis((long) (maxBackoffSeconds * 1000)))
          .withMaxShrinkPercent(shrinkGuard.percent())
          .withSnapshotBehindPercent(snapshotBehind.percent(cli::usageError));
    } catch (IllegalArgumentException e) {
      throw cli.usageError(e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    SyncAgent.Config config = config();
    PrintWriter out = cli.out();
    Store opened = Store.open(store);
    SyncAgent agent = new SyncAgent(opened, config, Clock.systemUTC());
    Progress progress = new Progress(agent::status, cli.err(), System.console() != null);
    if (once) {
      try (opened;
          agent;
          progress) {
        progress.start();
        agent.catchUp();
      }
      SyncStatus s = agent.status();
      out.printf(
          "store %s is at seq %d (epoch %s), %d files%n",
          store, s.appliedSeq(), s.epoch(), opened.fileCount());
      return 0;
    }
    CountDownLatch stopped =
        ShutdownHook.register(
            () -> {
              progress.close();
              agent.close();
            },
            "store",
            opened);
    out.printf("following %s into %s (Ctrl-C stops)%n", config.origin(), store);
    out.flush();
    progress.start();
    agent.start();
    stopped.await();
    return 0;
  }
}
