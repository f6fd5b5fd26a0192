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
      "The package name is the one in the default branch's (HEAD's) composer.json, as"
          + " packagist.org takes it; tags whose composer.json gives another name or none are"
          + " published under it, with one warning listing them. Tags that cannot be published"
          + " (not a version, composer.json missing or broken) are skipped with a warning naming"
          + " the tag and the problem. \"time\" is the commit's author date; the default"
          + " branch's dev version is marked \"default-branch\": true.",
      "",
      "Example:",
      "  metamirror composer scan --origin http://127.0.0.1:8080/ --token-file token \\",
      "      --source-url https://git.example/acme/widget.git \\",
      "      --dist-url 'https://git.example/{name}/archive/{reference}.zip' /srv/git/widget.git",
      "  metamirror composer scan --origin http://127.0.0.1:8080/ --token-file token \\",
      "      --source-url https://git.example/acme/a.git --source-url https://git.example/acme/b.git"
          + " \\",
      "      /srv/git/a.git /srv/git/b.git"
    })
public final class ComposerScanCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin OriginTarget target;

  @Option(
      names = "--source-url",
      paramLabel = "URL",
      description =
          "Repository URL written to \"source\" (default: the directory's file: URL). Repeat it"
              + " once per GIT_DIR, in the same order.")
  List<String> sourceUrls = new ArrayList<>();

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
    if (!sourceUrls.isEmpty() && sourceUrls.size() != repositories.size()) {
      throw cli.usageError(
          "--source-url given "
              + sourceUrls.size()
              + " time(s) for "
              + repositories.size()
              + " GIT_DIR(s): give one per GIT_DIR, in the same order");
    }
    List<GitScanner> scanners = new ArrayList<>();
    try {
      GitScanner scanner = GitScanner.defaults();
      if (distUrl != null) {
        scanner = scanner.withDistUrlTemplate(distUrl);
      }
      for (int i = 0; i < repositories.size(); i++) {
        scanners.add(sourceUrls.isEmpty() ? scanner : scanner.withSourceUrl(sourceUrls.get(i)));
      }
    } catch (IllegalArgumentException e) {
      throw cli.usageError(e.getMessage());
    }
    List<com.fasterxml.jackson.databind.node.ObjectNode> documents = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < repositories.size(); i++) {
      Path repository = repositories.get(i);
      ScanResult one = scanners.get(i).scan(repository);
      documents.addAll(one.documents());
      one.warnings().forEach(w -> warnings.add(repository + ": " + w));
    }
    return SourcePublishing.publish(
        cli, target, new ScanResult(documents, warnings), dryRun, "in " + repositories);
  }
}
