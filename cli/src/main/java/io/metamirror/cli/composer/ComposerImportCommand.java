package io.metamirror.cli.composer;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.OriginTarget;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code metamirror composer import SRC}: publish every version of an existing repository. */
@Command(
    name = "import",
    description = {
      "Publish every version found in SRC to a running origin. SRC is either an existing static"
          + " Composer repository (packages.json plus p2/, minified or not, or Satis output with"
          + " includes or inline packages) or a directory tree of composer.json files that carry"
          + " \"version\" (vendor/ and dot directories are skipped).",
      "Whatever cannot be read (broken JSON, a file that does not hold its own package, a"
          + " composer.json without version) is skipped with a warning naming the file; the"
          + " rest is published. Versions already at the origin are replaced.",
      "",
      "Example:",
      "  metamirror composer import --origin http://127.0.0.1:8080/ --token-file token ./satis-output"
    })
public final class ComposerImportCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin OriginTarget target;

  @Option(
      names = "--dry-run",
      description = "Read SRC and print what would be published, without publishing.")
  boolean dryRun;

  @Parameters(paramLabel = "SRC", description = "Repository directory or composer.json tree.")
  Path source;

  @Override
  public Integer call() throws Exception {
    ScanResult found = StaticRepositoryReader.read(source);
    return SourcePublishing.publish(cli, target, found, dryRun, "in " + source);
  }
}
