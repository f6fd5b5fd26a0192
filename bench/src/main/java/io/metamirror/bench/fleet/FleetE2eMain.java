package io.metamirror.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.bench.harness.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code scripts/fleet-e2e [--json FILE]} (through {@code bench/run fleet-e2e}): the fleet
 * operations end to end against the AWS emulator, real nodes and a real origin on loopback ({@link
 * FleetE2eRun}). Prints the report; exit 0 when replace and remove saw no failed and no wrong
 * request, the rollback was clean and the drill left DNS and came back; 1 otherwise (or when the
 * run failed); 2 on a usage error.
 */
public final class FleetE2eMain {
  public static final String USAGE =
      "usage: scripts/fleet-e2e [--json FILE]\n"
          + "  --json FILE  also write the report as JSON to FILE\n"
          + "exit status: 0 replace and remove with 0 failed and 0 wrong requests, a clean\n"
          + "rollback and a drill that left DNS and came back; 1 otherwise (or the run failed);"
          + " 2 usage";

  private FleetE2eMain() {}

  /** Runs with the arguments after {@code fleet-e2e}; returns the exit status. */
  public static int run(List<String> args) {
    Path json = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-h") || arg.equals("--help")) {
        System.out.println(USAGE);
        return 0;
      } else if (arg.equals("--json") && i + 1 < args.size()) {
        json = Path.of(args.get(++i));
      } else {
        System.err.println(
            "error: " + (arg.equals("--json") ? "--json needs a file" : "unknown argument " + arg));
        System.err.println(USAGE);
        return 2;
      }
    }
    try (Harness harness = Harness.open("fleet-e2e")) {
      long start = System.nanoTime();
      ObjectNode report = new FleetE2eRun(harness).run();
      List<String> failures = FleetE2eRun.failures(report);
      report.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
      report.put("passed", failures.isEmpty());
      failures.forEach(f -> report.withArray("failures").add(f));
      String text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
      if (json != null) {
        Files.writeString(json, text + "\n");
      }
      harness.finish("fleet e2e", out -> out.println(text));
      return failures.isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("FAILED: " + e);
      e.printStackTrace();
      return 1;
    }
  }
}
