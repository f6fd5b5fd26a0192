package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.PeakRss;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk against one server, every request a random path of a list, with the server's resident memory
 * sampled while it runs. The same command for metamirror and nginx.
 */
public record Wrk(ChildProcesses processes, int threads, int connections) {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern TOTAL =
      Pattern.compile("(\\d+) requests in [0-9.]+\\w+, ([0-9.]+)(B|KB|MB|GB|TB) read");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  /** One wrk run's figures; {@code maxRssMb} is the sampled servers' largest sum. */
  public record Result(
      double rps, double p50ms, double p99ms, double bytesPerResponse, double maxRssMb) {}

  /** The figures of a run that go in the table, each with its row's suffix and unit. */
  public enum Figure {
    REQUESTS_PER_SECOND("", "req/s"),
    P50(" p50", "ms"),
    P99(" p99", "ms");

    final String suffix;
    final String unit;

    Figure(String suffix, String unit) {
      this.suffix = suffix;
      this.unit = unit;
    }

    double of(Result result) {
      return switch (this) {
        case REQUESTS_PER_SECOND -> result.rps();
        case P50 -> result.p50ms();
        case P99 -> result.p99ms();
      };
    }
  }

  /** The table's rows for one wrk comparison against nginx: requests/s, p50 and p99. */
  public static Map<Figure, Row> addRows(
      ResultTable results, String measure, Result ours, String reference, Result theirs) {
    Map<Figure, Row> rows = new EnumMap<>(Figure.class);
    for (Figure f : Figure.values()) {
      rows.put(f, results.add(measure + f.suffix, f.unit, f.of(ours), reference, f.of(theirs)));
    }
    return rows;
  }

  /**
   * A Lua script for wrk: each request GETs one of the paths in {@code paths} (one a line) at
   * random, so that no server is measured on one hot file.
   */
  public static Path randomPathScript(Path paths) throws IOException {
    Path script = paths.resolveSibling(paths.getFileName() + ".lua");
    String lua =
        "-- every request: GET one of the paths in "
            + paths
            + ", at random\n"
            + "local requests = {}\n"
            + "init = function(args)\n"
            + "  for line in io.lines(\""
            + paths
            + "\") do\n"
            + "    requests[#requests + 1] = wrk.format(\"GET\", line)\n"
            + "  end\n"
            + "  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))\n"
            + "end\n"
            + "request = function()\n"
            + "  return requests[math.random(#requests)]\n"
            + "end\n";
    Files.writeString(script, lua);
    return script;
  }

  /**
   * {@code wrk -tT -cC -dSs --latency} with the script, {@code Accept-Encoding: gzip} when {@code
   * gzip}; fails on any non-2xx answer or more than one socket error in a thousand requests.
   */
  public Result run(String base, Path script, boolean gzip, int seconds, long[] serverPids)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t" + threads,
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.toString()));
    if (gzip) {
      command.addAll(List.of("-H", "Accept-Encoding: gzip"));
    }
    command.add(base + "/");
    PeakRss rss = PeakRss.of(serverPids);
    String out;
    try {
      out = processes.output(command, Duration.ofSeconds(seconds + 60L));
    } finally {
      rss.stop();
    }
    return parse(base, out, rss.maxMb());
  }

  private static Result parse(String base, String out, double maxRssMb) throws BenchFailure {
    Matcher rps = RPS.matcher(out);
    Matcher total = TOTAL.matcher(out);
    if (!rps.find() || !total.find()) {
      throw new BenchFailure("cannot read wrk's output: " + out);
    }
    double p50 = -1;
    double p99 = -1;
    for (Matcher m = PERCENTILE.matcher(out); m.find(); ) {
      double v = Double.parseDouble(m.group(2));
      double ms = m.group(3).equals("us") ? v / 1000 : m.group(3).equals("s") ? v * 1000 : v;
      if (m.group(1).equals("50")) {
        p50 = ms;
      } else {
        p99 = ms;
      }
    }
    long requests = Long.parseLong(total.group(1));
    double read =
        Double.parseDouble(total.group(2))
            * switch (total.group(3)) {
              case "KB" -> 1024.0;
              case "MB" -> 1024.0 * 1024;
              case "GB" -> 1024.0 * 1024 * 1024;
              case "TB" -> 1024.0 * 1024 * 1024 * 1024;
              default -> 1;
            };
    Matcher non2xx = NON_2XX.matcher(out);
    long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    Matcher errors = SOCKET_ERRORS.matcher(out);
    long socketErrors = 0;
    if (errors.find()) {
      for (int g = 1; g <= 4; g++) {
        socketErrors += Long.parseLong(errors.group(g));
      }
    }
    if (bad > 0 || socketErrors > requests / 1000) {
      throw new BenchFailure(
          base + ": " + bad + " non-2xx responses, " + socketErrors + " socket errors:\n" + out);
    }
    return new Result(
        Double.parseDouble(rps.group(1)), p50, p99, read / Math.max(1, requests), maxRssMb);
  }
}
