package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Samples;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The TLS handshake rows: {@link TlsHandshakes} rounds against the HTTPS node and nginx with the
 * same certificate, after one unmeasured second on each; the median round of each by server CPU per
 * handshake.
 */
public record HandshakeComparison(TlsHandshakes mirror, TlsHandshakes nginx) {
  public static final int SECONDS = 5;

  /** {@code rounds} of {@code seconds} each ({@link #SECONDS} but in a smoke run). */
  public static HandshakeComparison measure(
      ChildProcesses processes,
      String nodeUrl,
      long[] nodePids,
      String nginxUrl,
      long[] nginxPids,
      int rounds,
      int seconds)
      throws IOException, InterruptedException {
    TlsHandshakes.measure(processes, nodeUrl, nodePids, 1); // warm-up
    TlsHandshakes.measure(processes, nginxUrl, nginxPids, 1);
    List<TlsHandshakes> ours = new ArrayList<>();
    List<TlsHandshakes> theirs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      ours.add(TlsHandshakes.measure(processes, nodeUrl, nodePids, seconds));
      theirs.add(TlsHandshakes.measure(processes, nginxUrl, nginxPids, seconds));
    }
    System.out.printf(
        Locale.ROOT,
        "tls handshakes: server CPU ms each, metamirror %s; nginx %s (every round)%n",
        list(ours),
        list(theirs));
    Comparator<TlsHandshakes> byCpu = Comparator.comparingDouble(TlsHandshakes::cpuMsEach);
    return new HandshakeComparison(Samples.medianOf(ours, byCpu), Samples.medianOf(theirs, byCpu));
  }

  private static String list(List<TlsHandshakes> rounds) {
    StringBuilder sb = new StringBuilder();
    for (TlsHandshakes h : rounds) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%.2f (%,.0f/s)", h.cpuMsEach(), h.perSecond()));
    }
    return sb.toString();
  }

  /** Adds the two rows; returns the server CPU one, for a note. */
  public ResultTable.Row addRows(ResultTable results) {
    String sameCertificate = "nginx, same certificate";
    results
        .add(
            "tls handshakes, s_time -new",
            "/s",
            mirror.perSecond(),
            sameCertificate,
            nginx.perSecond())
        .note("one client; its own CPU is in it");
    return results.add(
        "tls handshake, server CPU each",
        "ms",
        mirror.cpuMsEach(),
        sameCertificate,
        nginx.cpuMsEach());
  }
}
