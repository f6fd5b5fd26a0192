package io.metamirror.bench.harness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a run, each beside the reference measured in the same run, printed as one Markdown
 * table (readable in a terminal, and pasted as is into bench/RESULTS.md). The ratio is always ours
 * ÷ reference of the figure in its unit, and the unit says which side of 1 is good (rates, "…/s":
 * higher; times and sizes: lower), so no row needs its own "x times faster".
 */
public final class ResultTable {
  private static final String[] HEADER = {
    "benchmark",
    "measure",
    "ours",
    "reference",
    "reference figure",
    "ours / reference",
    "better",
    "note"
  };

  /**
   * One row; {@link #note} adds what the figures alone do not say (a target, a count). A NaN {@code
   * referenceValue} means no reference was measured for this figure.
   */
  public record Row(
      String measure,
      String unit,
      double ours,
      String reference,
      double referenceValue,
      List<String> notes) {
    public Row note(String note) {
      notes.add(note);
      return this;
    }

    private String[] cells(String benchmark) {
      boolean referenced = !Double.isNaN(referenceValue);
      return new String[] {
        benchmark,
        measure,
        number(ours) + " " + unit,
        referenced ? reference : "-",
        referenced ? number(referenceValue) + " " + unit : "-",
        referenced ? String.format(Locale.ROOT, "%.2f", ours / referenceValue) : "-",
        unit.endsWith("/s") ? "higher" : "lower",
        String.join("; ", notes)
      };
    }
  }

  private final String benchmark;
  private final List<Row> rows = new ArrayList<>();

  ResultTable(String benchmark) {
    this.benchmark = benchmark;
  }

  /** Our figure beside the reference's same figure, both in {@code unit}. */
  public Row add(String measure, String unit, double ours, String reference, double value) {
    Row row = new Row(measure, unit, ours, reference, value, new ArrayList<>());
    rows.add(row);
    return row;
  }

  /** A figure that has no reference (a detail of ours, or one judged by a target alone). */
  public Row addWithoutReference(String measure, String unit, double ours) {
    return add(measure, unit, ours, "", Double.NaN);
  }

  /**
   * One row per percentile ({@code measure p50}, …, 100 as {@code measure max}), ours beside the
   * reference's same percentile, each value times {@code scale} (1000: seconds shown as ms).
   * Returns the rows in the order of {@code percentiles}, for their notes.
   */
  public List<Row> addPercentiles(
      String measure,
      String unit,
      double scale,
      Samples ours,
      String reference,
      Samples theirs,
      int... percentiles) {
    List<Row> added = new ArrayList<>();
    for (int p : percentiles) {
      added.add(
          add(
              measure + (p == 100 ? " max" : " p" + p),
              unit,
              scale * ours.percentile(p),
              reference,
              scale * theirs.percentile(p)));
    }
    return added;
  }

  /** {@code MET} or {@code MISSED}, for the note of a row that has a target. */
  public static String verdict(boolean met) {
    return met ? "MET" : "MISSED";
  }

  void print(PrintStream out) {
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Row row : rows) {
      cells.add(row.cells(benchmark));
    }
    int[] width = new int[HEADER.length];
    for (String[] line : cells) {
      for (int c = 0; c < line.length; c++) {
        width[c] = Math.max(width[c], line[c].length());
      }
    }
    String[] rule = new String[HEADER.length];
    for (int c = 0; c < HEADER.length; c++) {
      rule[c] = numeric(c) ? "-".repeat(width[c] - 1) + ":" : "-".repeat(width[c]);
    }
    cells.add(1, rule);
    for (String[] line : cells) {
      StringBuilder sb = new StringBuilder("|");
      for (int c = 0; c < line.length; c++) {
        String pad = " ".repeat(width[c] - line[c].length());
        sb.append(' ').append(numeric(c) ? pad + line[c] : line[c] + pad).append(" |");
      }
      out.println(sb);
    }
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
