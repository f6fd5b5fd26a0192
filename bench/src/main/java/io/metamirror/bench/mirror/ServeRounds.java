package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import io.metamirror.bench.harness.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The serve rows: wrk rounds alternating nginx and the node on the same store, every request a
 * random one of the files, after an unmeasured run on each; the median round of each by requests/s.
 */
final class ServeRounds {
  private static final double RPS_TARGET = 0.9; // the node's req/s >= 0.9 x nginx's
  private static final double P99_TARGET = 1.5; // the node's p99 <= 1.5 x nginx's

  private final ServeTestbed testbed;
  private final Wrk wrk;
  private final int warmup;
  private final int duration;
  private final int rounds;

  /** {@code warmup} and {@code duration} in seconds; {@code rounds} measured runs of each. */
  ServeRounds(ServeTestbed testbed, Wrk wrk, int warmup, int duration, int rounds) {
    this.testbed = testbed;
    this.wrk = wrk;
    this.warmup = warmup;
    this.duration = duration;
    this.rounds = rounds;
  }

  /** wrk's median round of each server for one variant. */
  record Comparison(String variant, Wrk.Result mirror, Wrk.Result nginx) {
    /** requests/s, p50 and p99 with their targets, and the bytes per response of each. */
    void addRows(ResultTable results) {
      Map<Wrk.Figure, Row> rows =
          Wrk.addRows(results, "serve " + variant, mirror, "nginx, same store", nginx);
      double rpsRatio = mirror.rps() / nginx.rps();
      double p99Ratio = mirror.p99ms() / nginx.p99ms();
      rows.get(Wrk.Figure.REQUESTS_PER_SECOND)
          .note(
              "wrk; target >= " + RPS_TARGET + " x: " + ResultTable.verdict(rpsRatio >= RPS_TARGET))
          .note(
              String.format(
                  Locale.ROOT,
                  "B/resp %.0f, nginx %.0f",
                  mirror.bytesPerResponse(),
                  nginx.bytesPerResponse()));
      rows.get(Wrk.Figure.P99)
          .note("target <= " + P99_TARGET + " x: " + ResultTable.verdict(p99Ratio <= P99_TARGET));
    }
  }

  /**
   * Rounds of {@code variant} (a name for the rows: "http", "https+gzip"): the node against nginx
   * at {@code nginxUrl}, with {@code Accept-Encoding: gzip} when {@code gzip}.
   */
  Comparison compare(String variant, MirrorNode node, String nginxUrl, Path paths, boolean gzip)
      throws IOException, InterruptedException {
    Path script = Wrk.randomPathScript(paths);
    long[] nginxPids = testbed.nginx().pids();
    long[] nodePids = {node.process().pid()};
    // Warm both (the JIT, nginx's and the kernel's caches), unmeasured.
    wrk.run(node.url(), script, gzip, warmup, nodePids);
    wrk.run(nginxUrl, script, gzip, warmup, nginxPids);
    List<Wrk.Result> ours = new ArrayList<>();
    List<Wrk.Result> theirs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      // alternate which goes first, so that neither always follows the other's leftovers
      if (r % 2 == 0) {
        theirs.add(wrk.run(nginxUrl, script, gzip, duration, nginxPids));
        ours.add(wrk.run(node.url(), script, gzip, duration, nodePids));
      } else {
        ours.add(wrk.run(node.url(), script, gzip, duration, nodePids));
        theirs.add(wrk.run(nginxUrl, script, gzip, duration, nginxPids));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "serve %-12s metamirror %s req/s; nginx %s req/s (every round)%n",
        variant,
        rpsList(ours),
        rpsList(theirs));
    Comparator<Wrk.Result> byRps = Comparator.comparingDouble(Wrk.Result::rps);
    return new Comparison(variant, Samples.medianOf(ours, byRps), Samples.medianOf(theirs, byRps));
  }

  private static String rpsList(List<Wrk.Result> rounds) {
    StringBuilder sb = new StringBuilder();
    for (Wrk.Result w : rounds) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%,.0f (p99 %.2f ms)", w.rps(), w.p99ms()));
    }
    return sb.toString();
  }
}
