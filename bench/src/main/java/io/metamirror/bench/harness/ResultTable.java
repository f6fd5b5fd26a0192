package io.metamirror.bench.harness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a run, each beside the reference measured in the same run, printed as one Markdown
 * table (readable in a terminal, and pasted as is into bench/RESULTS.md). The ratio is always ours
 * ÷ reference of the figure in its unit; whether higher or lower is better says which side of 1 is
 * good, so no row needs its own wording of "x times faster".
 */
public final class ResultTable {
  /** Which way a figure improves. */
  public enum Better {
    HIGHER("higher"),
    LOWER("lower");

    private final String word;

    Better(String word) {
      this.word = word;
    }
  }

  private record Row(
      String measure,
      String unit,
      Better better,
      double ours,
      String reference,
      double referenceValue,
      String note) {}

  private final String benchmark;
  private final List<Row> rows = new ArrayList<>();

  ResultTable(String benchmark) {
    this.benchmark = benchmark;
  }

  /** A figure of ours beside the reference's same figure. */
  public void add(
      String measure,
      String unit,
      Better better,
      double ours,
      String reference,
      double referenceValue,
      String note) {
    rows.add(new Row(measure, unit, better, ours, reference, referenceValue, note));
  }

  /** A figure that has no reference measured (a detail of ours, or one judged by a target). */
  public void addWithoutReference(
      String measure, String unit, Better better, double ours, String note) {
    rows.add(new Row(measure, unit, better, ours, "", Double.NaN, note));
  }

  /** {@code MET} or {@code MISSED}, for the note of a row that has a target. */
  public static String verdict(boolean met) {
    return met ? "MET" : "MISSED";
  }

  void print(PrintStream out) {
    List<String[]> cells = new ArrayList<>();
    cells.add(
        new String[] {
          "benchmark",
          "measure",
          "ours",
          "reference",
          "reference figure",
          "ours / reference",
          "better",
          "note"
        });
    for (Row r : rows) {
      boolean referenced = !Double.isNaN(r.referenceValue());
      cells.add(
          new String[] {
            benchmark,
            r.measure(),
            number(r.ours()) + " " + r.unit(),
            referenced ? r.reference() : "-",
            referenced ? number(r.referenceValue()) + " " + r.unit() : "-",
            referenced ? String.format(Locale.ROOT, "%.2f", r.ours() / r.referenceValue()) : "-",
            r.better().word,
            r.note()
          });
    }
    int[] width = new int[cells.get(0).length];
    for (String[] row : cells) {
      for (int c = 0; c < row.length; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    for (int r = 0; r < cells.size(); r++) {
      out.println(line(cells.get(r), width));
      if (r == 0) {
        String[] rule = new String[width.length];
        for (int c = 0; c < width.length; c++) {
          rule[c] = numeric(c) ? "-".repeat(width[c] - 1) + ":" : "-".repeat(width[c]);
        }
        out.println(line(rule, width));
      }
    }
  }

  private static String line(String[] row, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int c = 0; c < row.length; c++) {
      String cell = row[c];
      String pad = " ".repeat(width[c] - cell.length());
      sb.append(' ').append(numeric(c) ? pad + cell : cell + pad).append(" |");
    }
    return sb.toString();
  }

  /** The columns of figures, right-aligned so that their digits line up. */
  private static boolean numeric(int column) {
    return column == 2 || column == 4 || column == 5;
  }

  /** Enough digits to compare two figures, not more than a noisy machine can back. */
  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
