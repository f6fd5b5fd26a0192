package io.metamirror.cli.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ExitCodes;
import io.metamirror.cli.OriginTarget;
import io.metamirror.origin.composer.InvalidPackagesException;
import io.metamirror.origin.composer.VersionDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code metamirror composer publish FILE.json...}: publish version documents. */
@Command(
    name = "publish",
    description = {
      "Publish Composer package versions to a running origin. Each FILE holds one version document"
          + " or an array of them: the fields of composer.json plus \"version\" (e.g. \"1.2.0\","
          + " \"dev-main\"), and optionally \"dist\", \"source\" and \"time\". A version already"
          + " published is replaced.",
      "Every document is checked before anything is sent; all problems are listed, naming the"
          + " file, and nothing is published when there is one.",
      "",
      "Example:",
      "  metamirror composer publish --origin http://127.0.0.1:8080/ --token-file token \\",
      "      acme-widget-1.2.0.json"
    })
public final class ComposerPublishCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin OriginTarget target;

  @Parameters(paramLabel = "FILE.json", arity = "1..*", description = "Version documents.")
  List<Path> files;

  @Override
  public Integer call() throws Exception {
    List<ObjectNode> documents = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      read(file, documents, problems);
    }
    if (!problems.isEmpty()) {
      throw new ExitCodes.UserError(
          "nothing was published; "
              + problems.size()
              + " problem(s):\n  "
              + String.join("\n  ", problems));
    }
    ComposerApiClient.Summary summary =
        new ComposerApiClient(target.origin(), target.token()).publish(documents, cli::progress);
    cli.out()
        .printf(
            "published %d version(s) of %d package(s); head is now %d%n",
            summary.versions(), summary.packages(), summary.head());
    return 0;
  }

  /** Adds the documents of one file, or its problems, each naming the file. */
  static void read(Path file, List<ObjectNode> documents, List<String> problems) {
    JsonNode node;
    try (InputStream in = Files.newInputStream(file)) {
      node = VersionDocuments.read(in);
    } catch (java.nio.file.NoSuchFileException e) {
      problems.add(file + ": no such file");
      return;
    } catch (InvalidPackagesException e) {
      problems.add(file + ": " + e.getMessage());
      return;
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getMessage());
      return;
    }
    List<JsonNode> candidates = VersionDocuments.documents(node);
    for (int i = 0; i < candidates.size(); i++) {
      JsonNode doc = candidates.get(i);
      String where = node.isArray() ? file + "[" + i + "]" : file.toString();
      List<String> own = VersionDocuments.problems(doc);
      if (own.isEmpty()) {
        documents.add((ObjectNode) doc);
      } else {
        own.forEach(p -> problems.add(where + ": " + p));
      }
    }
  }
}
