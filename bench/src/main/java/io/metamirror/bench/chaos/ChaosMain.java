package io.metamirror.bench.chaos;

import io.metamirror.bench.harness.Harness;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code scripts/chaos [--short] [--json FILE]} (through {@code bench/run chaos}): starts an origin
 * and three mirror nodes as processes on loopback, puts a bounded client load on the nodes, injects
 * the faults in turn and prints one table. Exit 0 when no GET got a wrong answer, 1 when one did
 * (or a node did not catch up, or the run itself failed), 2 on a usage error.
 */
public final class ChaosMain {
  public static final String USAGE =
      "usage: scripts/chaos [--short] [--json FILE]\n"
          + "  --short      every fault once with small counts (what CI runs; under 3 minutes)\n"
          + "  --json FILE  also write the table, the verdict and the findings as JSON to FILE\n"
          + "exit status: 0 no wrong answer; 1 a wrong 404, wrong body, 5xx outside a declared\n"
          + "origin outage, unanswered GET or node that did not catch up (or the run failed); 2 usage";

  private ChaosMain() {}

  /** Runs with the arguments after {@code chaos}; returns the exit status. */
  public static int run(List<String> args) {
    ChaosSettings settings = ChaosSettings.FULL;
    Path json = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "-h", "--help" -> {
          System.out.println(USAGE);
          return 0;
        }
        case "--short" -> settings = ChaosSettings.SHORT;
        case "--json" -> {
          if (i + 1 == args.size()) {
            return usage("--json needs a file");
          }
          json = Path.of(args.get(++i));
        }
        default -> {
          return usage("unknown argument " + arg);
        }
      }
    }
    try (Harness harness = Harness.open("chaos")) {
      System.out.println("chaos run " + settings.describe());
      ChaosReport report = new ChaosRun(harness, settings).run();
      if (json != null) {
        report.writeJson(json);
      }
      harness.finish("chaos (" + settings.name() + ")", report::print);
      return report.passed() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("FAILED: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  private static int usage(String problem) {
    System.err.println("error: " + problem);
    System.err.println(USAGE);
    return 2;
  }
}
