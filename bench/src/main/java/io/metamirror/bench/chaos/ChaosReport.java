package io.metamirror.bench.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metamirror.bench.chaos.ResponseJudge.Outcome;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a chaos run found: one row per fault, printed as one Markdown table (pasted as is into
 * bench/RESULTS.md), and written as JSON for {@code --json FILE}:
 *
 * <pre>
 * {"format":1,"run":"short","passed":true,"rows":[{"fault":"origin hang","requests":412,
 *   "wrong404s":0,"wrongBodies":0,"allowed5xx":9,"other5xx":0,"otherFailures":0,
 *   "failedPublishes":0,"unansweredNodeDown":0,"maxCatchUpSeconds":1.52,"caughtUp":true,"notes":["…"]}],
 *  "findings":[],"findingCount":0}
 * </pre>
 */
record ChaosReport(
    ChaosSettings settings, List<FaultTally> rows, List<String> findings, int findingCount) {
  private static final String[] HEADER = {
    "fault",
    "requests",
    "wrong 404s",
    "wrong bodies",
    "5xx allowed",
    "5xx other",
    "other failures",
    "max catch-up",
    "note"
  };

  /** One row as the JSON document has it. */
  record Row(
      String fault,
      long requests,
      long wrong404s,
      long wrongBodies,
      long allowed5xx,
      long other5xx,
      long otherFailures,
      long failedPublishes,
      long unansweredNodeDown,
      double maxCatchUpSeconds,
      boolean caughtUp,
      List<String> notes) {
    static Row of(FaultTally t) {
      return new Row(
          t.fault(),
          t.requests(),
          t.count(Outcome.WRONG_404),
          t.count(Outcome.WRONG_BODY),
          t.count(Outcome.ALLOWED_5XX),
          t.count(Outcome.OTHER_5XX),
          t.count(Outcome.FAILED) + t.publishFailures(),
          t.publishFailures(),
          t.count(Outcome.NODE_DOWN),
          t.maxCatchUpSeconds(),
          t.caughtUp(),
          t.notes());
    }

    String[] cells() {
      List<String> notes = new ArrayList<>(notes());
      if (failedPublishes > 0) {
        notes.add(failedPublishes + " of the other failures are publishes the origin failed");
      }
      if (unansweredNodeDown > 0) {
        notes.add(unansweredNodeDown + " GETs to the killed node unanswered");
      }
      return new String[] {
        fault,
        Long.toString(requests),
        Long.toString(wrong404s),
        Long.toString(wrongBodies),
        Long.toString(allowed5xx),
        Long.toString(other5xx),
        Long.toString(otherFailures),
        caughtUp
            ? String.format(Locale.ROOT, "%.2f s", maxCatchUpSeconds)
            : "> " + ChaosSettings.CATCH_UP_LIMIT.toSeconds() + " s",
        String.join("; ", notes)
      };
    }
  }

  /** The JSON document. */
  record Document(
      int format,
      String run,
      boolean passed,
      List<Row> rows,
      List<String> findings,
      int findingCount) {}

  /**
   * No wrong 404, no wrong body, no 5xx outside a declared origin outage, no failure, caught up.
   */
  boolean passed() {
    return rows.stream().noneMatch(FaultTally::failed);
  }

  List<Row> table() {
    return rows.stream().map(Row::of).toList();
  }

  void print(PrintStream out) {
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    table().forEach(r -> lines.add(r.cells()));
    int[] width = new int[HEADER.length];
    for (String[] line : lines) {
      for (int c = 0; c < line.length; c++) {
        width[c] = Math.max(width[c], line[c].length());
      }
    }
    for (int i = 0; i < lines.size(); i++) {
      out.println(line(lines.get(i), width));
      if (i == 0) {
        String[] rule = new String[HEADER.length];
        for (int c = 0; c < rule.length; c++) {
          rule[c] =
              c == 0 || c == HEADER.length - 1
                  ? "-".repeat(width[c])
                  : "-".repeat(width[c] - 1) + ":";
        }
        out.println(line(rule, width));
      }
    }
    out.println(
        passed()
            ? "PASSED: no wrong 404, no wrong body, no 5xx outside a declared origin outage"
            : "FAILED: "
                + findingCount
                + " wrong answer(s); the first are listed above as FINDING");
  }

  void writeJson(Path file) throws IOException {
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(
            file.toFile(),
            new Document(1, settings.name(), passed(), table(), findings, findingCount));
  }

  private static String line(String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(width[c] - cells[c].length());
      boolean left = c == 0 || c == cells.length - 1;
      sb.append(' ').append(left ? cells[c] + pad : pad + cells[c]).append(" |");
    }
    return sb.toString();
  }
}
