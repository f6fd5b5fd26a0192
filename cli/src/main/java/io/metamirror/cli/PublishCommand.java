package io.metamirror.cli;

import io.metamirror.cli.publish.RemotePublisher;
import io.metamirror.origin.publishdir.DirectoryPlan;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code metamirror publish}: make a running origin's tree equal to a directory. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Make a running origin's tree equal to SRC through its batch API: only new and changed files are sent, index files (--index) after the files they reference, deletions last. Any static registry generator's output works: Satis, a PEP 503 simple/ tree, an apt repository.")
public final class PublishCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin OriginTarget target;

  @Mixin PublishDirOptions dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = cli.out();
    RemotePublisher publisher = new RemotePublisher(target.origin(), target.token());
    DirectoryPlan plan = dir.plan(publisher.currentTree(), out);
    if (dir.nothingToDo(plan, out)) {
      return 0;
    }
    long head = publisher.publish(plan, cli::progress);
    out.printf("published %d changes; head is now %d%n", plan.changes(), head);
    return 0;
  }
}
