package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.CpuTime;
import io.metamirror.bench.harness.Stopwatch;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an HTTPS connection costs a server: {@code openssl s_time}, one client making one connection
 * after another, and the server's CPU over that time.
 *
 * <p>New: {@code -new}, a full handshake per connection and nothing else. wrk opens its connections
 * at the start of every round, so this cost is inside the https rows too.
 *
 * <p>New + GET: {@code -new -www PATH}, the same with a GET of one file over HTTP/1.0 on each.
 *
 * <p>Resumed: {@code -reuse -www PATH}, every connection after the first resumes the first one's
 * session and GETs {@code PATH} over HTTP/1.0 (the request is what makes the client read the TLS
 * 1.3 session ticket, which arrives after the handshake; without it nothing could be resumed).
 * {@code resumed} counts the connections s_time reports as resumed ({@code r}, against {@code *}).
 */
public record TlsHandshakes(long connections, long resumed, double seconds, double serverCpuMs) {
  private static final Pattern S_TIME =
      Pattern.compile("(\\d+) connections in [0-9.]+ real seconds");
  private static final Pattern PROGRESS = Pattern.compile("(?m)^[r*]+$");

  public double perSecond() {
    return connections / seconds;
  }

  public double cpuMsEach() {
    return serverCpuMs / connections;
  }

  /** Full handshakes, no request. */
  static TlsHandshakes measureNew(
      ChildProcesses processes, String httpsUrl, long[] serverPids, int seconds)
      throws IOException, InterruptedException {
    return measure(processes, httpsUrl, serverPids, seconds, List.of("-new"));
  }

  /** Full handshakes, each with a GET of {@code path}: what resumption saves is the difference. */
  static TlsHandshakes measureNewWithGet(
      ChildProcesses processes, String httpsUrl, long[] serverPids, int seconds, String path)
      throws IOException, InterruptedException {
    return measure(processes, httpsUrl, serverPids, seconds, List.of("-new", "-www", path));
  }

  /** Resumed handshakes, each with a GET of {@code path}. */
  static TlsHandshakes measureResumed(
      ChildProcesses processes, String httpsUrl, long[] serverPids, int seconds, String path)
      throws IOException, InterruptedException {
    return measure(processes, httpsUrl, serverPids, seconds, List.of("-reuse", "-www", path));
  }

  private static TlsHandshakes measure(
      ChildProcesses processes, String httpsUrl, long[] serverPids, int seconds, List<String> mode)
      throws IOException, InterruptedException {
    URI uri = URI.create(httpsUrl);
    List<String> command =
        new ArrayList<>(
            List.of("openssl", "s_time", "-connect", uri.getHost() + ":" + uri.getPort()));
    command.addAll(mode);
    command.addAll(List.of("-time", Integer.toString(seconds)));
    double cpuBefore = CpuTime.processSeconds(serverPids);
    Stopwatch clock = Stopwatch.start();
    String out = processes.output(command, Duration.ofSeconds(seconds + 60L));
    double wall = clock.seconds();
    double cpu = CpuTime.processSeconds(serverPids) - cpuBefore;
    Matcher m = S_TIME.matcher(out);
    if (!m.find() || Long.parseLong(m.group(1)) == 0) {
      throw new BenchFailure(
          "cannot read openssl s_time's output: " + BenchFailure.abbreviate(out));
    }
    long resumed = 0;
    for (Matcher p = PROGRESS.matcher(out); p.find(); ) {
      resumed += p.group().chars().filter(c -> c == 'r').count();
    }
    return new TlsHandshakes(Long.parseLong(m.group(1)), resumed, wall, cpu * 1000);
  }
}
