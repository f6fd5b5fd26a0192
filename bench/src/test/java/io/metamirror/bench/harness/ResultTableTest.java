package io.metamirror.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table: ratio ours ÷ reference, "better" from the unit, aligned Markdown. */
class ResultTableTest {
  private static List<String> print(ResultTable table) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    table.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void printsOneMarkdownRowPerFigureWithTheRatioAndWhichSideIsBetter() {
    ResultTable table = new ResultTable("sync");
    table.add("bootstrap", "files/s", 5_000, "rsync", 10_000).note("target: MISSED");
    table.add("freshness p50", "ms", 4, "rsync", 16);
    table.addWithoutReference("cold read", "entries/s", 123_456.7);

    List<String> lines = print(table);

    assertEquals(5, lines.size());
    assertEquals(lines.get(0).length(), lines.get(2).length(), "columns are aligned");
    assertEquals(
        List.of(
            "sync",
            "bootstrap",
            "5,000 files/s",
            "rsync",
            "10,000 files/s",
            "0.50",
            "higher",
            "target: MISSED"),
        cells(lines.get(2)));
    assertEquals(
        List.of("sync", "freshness p50", "4.00 ms", "rsync", "16.0 ms", "0.25", "lower", ""),
        cells(lines.get(3)));
    assertEquals(
        List.of("sync", "cold read", "123,457 entries/s", "-", "-", "-", "higher", ""),
        cells(lines.get(4)));
  }

  @Test
  void percentileRowsAreNamedByPercentileAndMaxForOneHundred() {
    ResultTable table = new ResultTable("composer");
    Samples ours = new Samples();
    Samples theirs = new Samples();
    for (int i = 1; i <= 10; i++) {
      ours.add(i / 1000.0);
      theirs.add(i / 100.0);
    }
    List<ResultTable.Row> rows =
        table.addPercentiles("one version", "ms", 1000, ours, "rsync", theirs, 50, 100);
    assertEquals("one version p50", rows.get(0).measure());
    assertEquals(5, rows.get(0).ours(), 1e-9);
    assertEquals("one version max", rows.get(1).measure());
    assertEquals(100, rows.get(1).referenceValue(), 1e-9);
  }

  private static List<String> cells(String line) {
    String inner = line.substring(1, line.length() - 1);
    return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
  }
}
