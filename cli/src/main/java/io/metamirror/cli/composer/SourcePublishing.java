package io.metamirror.cli.composer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ExitCodes;
import io.metamirror.cli.OriginTarget;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** What import and scan share: print the warnings, then publish (or list, for a dry run). */
final class SourcePublishing {
  private SourcePublishing() {}

  static int publish(
      CommandOutput cli, OriginTarget target, ScanResult found, boolean dryRun, String where)
      throws java.io.IOException {
    PrintWriter out = cli.out();
    PrintWriter err = cli.err();
    for (String warning : found.warnings()) {
      err.println("warning: " + warning);
    }
    err.flush();
    if (found.documents().isEmpty()) {
      throw new ExitCodes.UserError("no publishable version found " + where);
    }
    if (dryRun) {
      Map<String, StringBuilder> byPackage = new TreeMap<>();
      for (ObjectNode doc : found.documents()) {
        StringBuilder versions =
            byPackage.computeIfAbsent(doc.path("name").asText(), n -> new StringBuilder());
        versions.append(versions.length() == 0 ? "" : ", ").append(doc.path("version").asText());
      }
      byPackage.forEach((name, versions) -> out.printf("%s: %s%n", name, versions));
      out.printf(
          "dry run: would publish %d version(s) of %d package(s)%n",
          found.documents().size(), byPackage.size());
      return 0;
    }
    ComposerApiClient.Summary summary =
        new ComposerApiClient(target.origin(), target.token())
            .publish(found.documents(), cli::progress);
    out.printf(
        "published %d version(s) of %d package(s)%s; head is now %d%n",
        summary.versions(),
        summary.packages(),
        found.warnings().isEmpty()
            ? ""
            : " (" + found.warnings().size() + " skipped, see warnings)",
        summary.head());
    return 0;
  }
}
