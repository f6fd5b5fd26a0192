package io.metamirror.cli.origin;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.PublishDirOptions;
import io.metamirror.origin.publishdir.DirectoryPlan;
import io.metamirror.origin.publishdir.OfflinePublisher;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror origin publish-dir}: make a stopped origin's tree equal to a directory. */
@Command(
    name = "publish-dir",
    description =
        "Make the origin's tree equal to SRC, offline, as one atomic batch: new and changed files first, index files (--index) after the files they reference, deletions last; unchanged files journal nothing. Refuses while a server holds the data directory; use 'metamirror publish --origin URL' against a running origin instead.")
public final class OriginPublishDirCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin OriginOptions origin;

  @Mixin PublishDirOptions dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = cli.out();
    try (OriginRepository repository =
        OriginRepository.open(origin.data, origin.repositoryOptions(), Clock.systemUTC())) {
      DirectoryPlan plan = dir.plan(OfflinePublisher.currentTree(repository), out);
      if (dir.nothingToDo(plan, out)) {
        return 0;
      }
      PublishResult result = OfflinePublisher.publish(repository, plan);
      out.printf("published %d entries; head is now %d%n", result.entries().size(), result.head());
    }
    return 0;
  }
}
