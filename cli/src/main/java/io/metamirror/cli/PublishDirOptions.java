package io.metamirror.cli;

import io.metamirror.origin.publishdir.DirectoryPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code publish} and {@code origin publish-dir} share: the source directory, the index globs,
 * dry runs, and how a plan is summarised.
 */
public final class PublishDirOptions {
  @Option(
      names = "--index",
      paramLabel = "GLOB",
      split = ",",
      converter = IndexGlobConverter.class,
      description =
          "Globs (relative to SRC) of index files, published after everything else; deepest first."
              + " Default: packages.json, **/packages.json, index.html, **/index.html, index.json,"
              + " **/index.json, **/Packages*,"
              + " **/Sources*, **/Release, **/Release.gpg, **/InRelease, **/repomd.xml.")
  List<String> indexGlobs;

  @Option(names = "--dry-run", description = "Print the plan without publishing.")
  public boolean dryRun;

  @Parameters(paramLabel = "SRC", description = "The directory to publish.")
  Path source;

  /** Plans SRC against {@code current} and prints the summary. */
  public DirectoryPlan plan(DirectoryPlan.CurrentTree current, PrintWriter out) throws IOException {
    List<String> globs = indexGlobs != null ? indexGlobs : DirectoryPlan.DEFAULT_INDEX_GLOBS;
    DirectoryPlan plan = DirectoryPlan.of(source, current, globs);
    out.printf(
        "%d new or changed files, %d index files, %d deletions, %d unchanged, %d skipped"
            + " (dot-named or not regular)%n",
        plan.files().size(),
        plan.indexes().size(),
        plan.deletes().size(),
        plan.unchanged(),
        plan.skipped());
    out.flush();
    return plan;
  }

  /** True (after saying why) when nothing is to be published. */
  public boolean nothingToDo(DirectoryPlan plan, PrintWriter out) {
    if (dryRun || plan.isEmpty()) {
      out.println(plan.isEmpty() ? "nothing to publish" : "dry run: nothing published");
      return true;
    }
    return false;
  }
}
