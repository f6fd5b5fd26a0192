package io.metamirror.cli;

import io.metamirror.cli.publish.RemotePublisher;
import io.metamirror.cli.sync.Progress;
import io.metamirror.origin.publishdir.DirectoryPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror publish}: make a running origin's tree equal to a directory. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Make a running origin's tree equal to SRC through its batch API: only new and changed files are sent, index files (--index) after the files they reference, deletions last. Each batch is atomic, the whole publish is not (see the README). Shows a progress bar on a terminal, otherwise one line per batch on stderr. Any static registry generator's output works: Satis, a PEP 503 simple/ tree, an apt repository.")
public final class PublishCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin OriginTarget target;

  @Mixin PublishDirOptions dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = cli.out();
    RemotePublisher publisher = new RemotePublisher(target.origin(), target.token());
    DirectoryPlan plan = dir.plan(DirectoryPlan.CurrentTree.of(publisher.currentTree()), out);
    if (dir.nothingToDo(plan, out)) {
      return 0;
    }
    long head = publish(publisher, plan);
    out.printf("published %d changes; head is now %d%n", plan.changes(), head);
    return 0;
  }

  /** On a terminal a bar of changes sent; otherwise one log line per batch. */
  private long publish(RemotePublisher publisher, DirectoryPlan plan) throws IOException {
    if (!Progress.onTerminal()) {
      return publisher.publish(plan, batch -> cli.progress(batch.line()));
    }
    AtomicReference<Progress.Count> shown =
        new AtomicReference<>(new Progress.Count("publishing", 0, plan.changes(), "changes"));
    try (Progress bar = Progress.start(shown::get, cli.err(), true)) {
      return publisher.publish(plan, batch -> shown.set(count(batch)));
    }
  }

  static Progress.Count count(RemotePublisher.BatchSent batch) {
    return new Progress.Count(
        "publishing batch " + batch.batch() + "/" + batch.batches(),
        batch.sent(),
        batch.total(),
        "changes");
  }
}
