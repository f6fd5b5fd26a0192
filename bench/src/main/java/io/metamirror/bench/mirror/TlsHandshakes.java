package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.CpuTime;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a new HTTPS connection costs a server: {@code openssl s_time -new}, one client making one
 * full handshake (no resumption) after another, and the server's CPU over that time. wrk opens its
 * connections at the start of every round, so this cost is inside the https rows too.
 */
public record TlsHandshakes(long connections, double seconds, double serverCpuMs) {
  private static final Pattern S_TIME =
      Pattern.compile("(\\d+) connections in [0-9.]+ real seconds");

  public double perSecond() {
    return connections / seconds;
  }

  public double cpuMsEach() {
    return serverCpuMs / connections;
  }

  static TlsHandshakes measure(
      ChildProcesses processes, String httpsUrl, long[] serverPids, int seconds)
      throws IOException, InterruptedException {
    URI uri = URI.create(httpsUrl);
    double cpuBefore = CpuTime.processSeconds(serverPids);
    Stopwatch clock = Stopwatch.start();
    String out =
        processes.output(
            List.of(
                "openssl",
                "s_time",
                "-connect",
                uri.getHost() + ":" + uri.getPort(),
                "-new",
                "-time",
                Integer.toString(seconds)),
            Duration.ofSeconds(seconds + 60L));
    double wall = clock.seconds();
    double cpu = CpuTime.processSeconds(serverPids) - cpuBefore;
    Matcher m = S_TIME.matcher(out);
    if (!m.find() || Long.parseLong(m.group(1)) == 0) {
      throw new BenchFailure("cannot read openssl s_time's output: " + out);
    }
    return new TlsHandshakes(Long.parseLong(m.group(1)), wall, cpu * 1000);
  }
}
