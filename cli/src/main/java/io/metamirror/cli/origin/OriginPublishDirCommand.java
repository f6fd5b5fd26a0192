package io.metamirror.cli.origin;

import io.metamirror.cli.IndexGlobConverter;
import io.metamirror.origin.publishdir.DirectoryPlan;
import io.metamirror.origin.publishdir.OfflinePublisher;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code metamirror origin publish-dir}: make a stopped origin's tree equal to a directory. */
@Command(
    name = "publish-dir",
    mixinStandardHelpOptions = true,
    description =
        "Make the origin's tree equal to SRC, offline, as one atomic batch: new and changed files first, index files (--index) after the files they reference, deletions last; unchanged files journal nothing. Refuses while a server holds the data directory; use 'metamirror publish --origin URL' against a running origin instead.")
public final class OriginPublishDirCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OriginOptions origin;

  @Option(
      names = "--index",
      paramLabel = "GLOB",
      split = ",",
      converter = IndexGlobConverter.class,
      description =
          "Globs (relative to SRC) of index files, published after everything else; deepest first."
              + " Default: packages.json, **/packages.json, index.html, **/index.html, **/Packages*,"
              + " **/Sources*, **/Release, **/Release.gpg, **/InRelease, **/repomd.xml.")
  List<String> indexGlobs;

  @Option(names = "--dry-run", description = "Print the plan without publishing.")
  boolean dryRun;

  @Parameters(paramLabel = "SRC", description = "The directory to publish.")
  Path source;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<String> globs = indexGlobs != null ? indexGlobs : DirectoryPlan.DEFAULT_INDEX_GLOBS;
    try (OriginRepository repository =
        OriginRepository.open(origin.data, origin.repositoryOptions(spec), Clock.systemUTC())) {
      DirectoryPlan plan =
          DirectoryPlan.of(source, OfflinePublisher.currentTree(repository), globs);
      out.printf(
          "%d new or changed files, %d index files, %d deletions, %d unchanged, %d skipped"
              + " (dot-named or not regular)%n",
          plan.files().size(),
          plan.indexes().size(),
          plan.deletes().size(),
          plan.unchanged(),
          plan.skipped());
      if (dryRun || plan.isEmpty()) {
        out.println(plan.isEmpty() ? "nothing to publish" : "dry run: nothing published");
        return 0;
      }
      PublishResult result = OfflinePublisher.publish(repository, plan);
      out.printf("published %d entries; head is now %d%n", result.entries().size(), result.head());
    }
    return 0;
  }
}
