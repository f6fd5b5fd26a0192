package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Samples;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The TLS handshake rows for one node (named {@code label}, e.g. by its TLS provider): {@link
 * TlsHandshakes} rounds of new handshakes, new ones with a GET and resumed ones with a GET against
 * the HTTPS node and nginx with the same certificate, after {@code warmup} unmeasured seconds of
 * each kind on the node (one on nginx); the median round of each by server CPU per handshake.
 */
public record HandshakeComparison(
    String label,
    TlsHandshakes mirror,
    TlsHandshakes nginx,
    TlsHandshakes mirrorWithGet,
    TlsHandshakes nginxWithGet,
    TlsHandshakes mirrorResumed,
    TlsHandshakes nginxResumed) {
  public static final int SECONDS = 5;

  /** The servers measured: the node's URL and pids, nginx's, and a file both serve. */
  public record Target(
      String nodeUrl, long[] nodePids, String nginxUrl, long[] nginxPids, String path) {}

  static HandshakeComparison measure(
      ChildProcesses processes, String label, Target t, int rounds, int warmup)
      throws IOException, InterruptedException {
    return measure(processes, label, t, rounds, warmup, SECONDS);
  }

  /** {@code rounds} of {@code seconds} each of every kind ({@link #SECONDS} but in a smoke run). */
  public static HandshakeComparison measure(
      ChildProcesses processes, String label, Target t, int rounds, int warmup, int seconds)
      throws IOException, InterruptedException {
    TlsHandshakes.measureNew(processes, t.nodeUrl(), t.nodePids(), warmup);
    TlsHandshakes.measureResumed(processes, t.nodeUrl(), t.nodePids(), warmup, t.path());
    TlsHandshakes.measureNew(processes, t.nginxUrl(), t.nginxPids(), 1);
    TlsHandshakes.measureResumed(processes, t.nginxUrl(), t.nginxPids(), 1, t.path());
    List<TlsHandshakes> ours = new ArrayList<>();
    List<TlsHandshakes> theirs = new ArrayList<>();
    List<TlsHandshakes> oursWithGet = new ArrayList<>();
    List<TlsHandshakes> theirsWithGet = new ArrayList<>();
    List<TlsHandshakes> oursResumed = new ArrayList<>();
    List<TlsHandshakes> theirsResumed = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      ours.add(TlsHandshakes.measureNew(processes, t.nodeUrl(), t.nodePids(), seconds));
      theirs.add(TlsHandshakes.measureNew(processes, t.nginxUrl(), t.nginxPids(), seconds));
      oursWithGet.add(
          TlsHandshakes.measureNewWithGet(processes, t.nodeUrl(), t.nodePids(), seconds, t.path()));
      theirsWithGet.add(
          TlsHandshakes.measureNewWithGet(
              processes, t.nginxUrl(), t.nginxPids(), seconds, t.path()));
      oursResumed.add(
          TlsHandshakes.measureResumed(processes, t.nodeUrl(), t.nodePids(), seconds, t.path()));
      theirsResumed.add(
          TlsHandshakes.measureResumed(processes, t.nginxUrl(), t.nginxPids(), seconds, t.path()));
    }
    System.out.printf(
        Locale.ROOT,
        "tls handshakes%s: server CPU ms each, new: metamirror %s; nginx %s;"
            + " new + GET: metamirror %s; nginx %s; resumed + GET: metamirror %s; nginx %s"
            + " (every round)%n",
        label.isEmpty() ? "" : " " + label,
        list(ours),
        list(theirs),
        list(oursWithGet),
        list(theirsWithGet),
        list(oursResumed),
        list(theirsResumed));
    Comparator<TlsHandshakes> byCpu = Comparator.comparingDouble(TlsHandshakes::cpuMsEach);
    HandshakeComparison c =
        new HandshakeComparison(
            label,
            Samples.medianOf(ours, byCpu),
            Samples.medianOf(theirs, byCpu),
            Samples.medianOf(oursWithGet, byCpu),
            Samples.medianOf(theirsWithGet, byCpu),
            Samples.medianOf(oursResumed, byCpu),
            Samples.medianOf(theirsResumed, byCpu));
    if (c.mirrorResumed.resumed() == 0) {
      // Every connection a full handshake again: the resumed row would measure nothing it names.
      throw new BenchFailure(label + ": openssl s_time -reuse resumed no session on the node");
    }
    return c;
  }

  private static String list(List<TlsHandshakes> rounds) {
    StringBuilder sb = new StringBuilder();
    for (TlsHandshakes h : rounds) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%.3f (%,.0f/s)", h.cpuMsEach(), h.perSecond()));
    }
    return sb.toString();
  }

  /** Adds the rows; returns the one of server CPU per new handshake, for a note. */
  public ResultTable.Row addRows(ResultTable results) {
    String sameCertificate = "nginx, same certificate";
    String suffix = label.isEmpty() ? "" : " (" + label + ")";
    results
        .add(
            "tls handshakes, s_time -new" + suffix,
            "/s",
            mirror.perSecond(),
            sameCertificate,
            nginx.perSecond())
        .note("one client; its own CPU is in it");
    ResultTable.Row serverCpu =
        results.add(
            "tls handshake, server CPU each" + suffix,
            "ms",
            mirror.cpuMsEach(),
            sameCertificate,
            nginx.cpuMsEach());
    results.add(
        "tls new + GET, server CPU each" + suffix,
        "ms",
        mirrorWithGet.cpuMsEach(),
        sameCertificate,
        nginxWithGet.cpuMsEach());
    results
        .add(
            "tls resumed + GET, server CPU each" + suffix,
            "ms",
            mirrorResumed.cpuMsEach(),
            sameCertificate,
            nginxResumed.cpuMsEach())
        .note(
            String.format(
                Locale.ROOT,
                "s_time -reuse -www; resumed %d of %d (nginx %d of %d)",
                mirrorResumed.resumed(),
                mirrorResumed.connections(),
                nginxResumed.resumed(),
                nginxResumed.connections()));
    return serverCpu;
  }
}
