package io.metamirror.cli.composer;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.OriginTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code metamirror composer scan GIT_DIR...}: publish the versions of git repositories. */
@Command(
    name = "scan",
    description = {
      "Publish the versions of git repositories (bare or not) to a running origin: every tag"
          + " whose name is a version and whose composer.json is valid becomes that version;"
          + " every branch becomes a dev version (main -> dev-main, 1.x -> 1.x-dev). \"source\""
          + " is the repository URL plus the commit; \"dist\" comes from --dist-url.",
      "Tags that cannot be published (not a version, composer.json missing or broken, another"
          + " package's name) are skipped with a warning naming the tag and the problem.",
      "",
      "Example:",
      "  metamirror composer scan --origin http://127.0.0.1:8080/ --token-file token \\",
      "      --source-url https://git.example/acme/widget.git \\",
      "      --dist-url 'https://git.example/{name}/archive/{reference}.zip' /srv/git/widget.git"
    })
public final class ComposerScanCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin OriginTarget target;

  @Option(
      names = "--source-url",
      paramLabel = "URL",
      description =
          "Repository URL written to \"source\" (default: the directory's file: URL). Only with"
              + " one GIT_DIR.")
  String sourceUrl;

  @Option(
      names = "--dist-url",
      paramLabel = "TEMPLATE",
      description =
          "URL template of a version's zip for \"dist\", with {name}, {version} and {reference}"
              + " (the commit). Without it versions have no dist and Composer installs from"
              + " source.")
  String distUrl;

  @Option(
      names = "--dry-run",
      description = "Scan and print what would be published, without publishing.")
  boolean dryRun;

  @Parameters(paramLabel = "GIT_DIR", arity = "1..*", description = "Git repositories.")
  List<Path> repositories;

  @Override
  public Integer call() throws Exception {
    if (sourceUrl != null && repositories.size() > 1) {
      throw cli.usageError("--source-url names one repository; give one GIT_DIR with it");
    }
    GitScanner scanner = GitScanner.defaults();
    try {
      if (sourceUrl != null) {
        scanner = scanner.withSourceUrl(sourceUrl);
      }
      if (distUrl != null) {
        scanner = scanner.withDistUrlTemplate(distUrl);
      }
    } catch (IllegalArgumentException e) {
      throw cli.usageError(e.getMessage());
    }
    List<com.fasterxml.jackson.databind.node.ObjectNode> documents = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Path repository : repositories) {
      ScanResult one = scanner.scan(repository);
      documents.addAll(one.documents());
      one.warnings().forEach(w -> warnings.add(repository + ": " + w));
    }
    return SourcePublishing.publish(
        cli, target, new ScanResult(documents, warnings), dryRun, "in " + repositories);
  }
}
