package io.metamirror.bench.fleet;

import io.metamirror.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The real {@code metamirror region} and {@code fleet} commands, run in this JVM through {@link
 * Main#commandLine} as an operator would type them, with the fleet file, the emulator's endpoint,
 * the simulated instances and compressed waits (TTL margin, health deadline). Their progress and
 * output go to our stderr, prefixed; each returns the command's exit status.
 */
record FleetCli(Path fleet, URI endpoint, Path simulatedInstances) {
  private static final String HOLDER = "fleet-e2e@bench";

  /**
   * Seconds waited after a DNS change beyond the records' TTL (0 in the run's fleet file): more
   * than the resolver simulation's refresh period plus one reading, so no client still resolves to
   * a node being terminated.
   */
  static final String TTL_MARGIN_SECONDS = "3";

  int region(String... args) {
    List<String> all = new ArrayList<>(List.of("region"));
    all.addAll(List.of(args));
    all.addAll(List.of("--ttl-margin", TTL_MARGIN_SECONDS));
    if (!all.contains("--healthy-timeout")) {
      all.addAll(List.of("--healthy-timeout", "120"));
    }
    all.addAll(List.of("--simulated-instances", simulatedInstances.toString()));
    return run(all);
  }

  int fleet(String... args) {
    List<String> all = new ArrayList<>(List.of("fleet"));
    all.addAll(List.of(args));
    return run(all);
  }

  private int run(List<String> command) {
    List<String> all = new ArrayList<>(command);
    all.addAll(
        List.of(
            "--fleet",
            fleet.toString(),
            "--aws-endpoint",
            endpoint.toString(),
            "--lock-holder",
            HOLDER));
    String[] args = all.toArray(String[]::new);
    System.err.println("[fleet-e2e] metamirror " + String.join(" ", command));
    CommandLine cli = Main.commandLine(Map.of(), args);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(System.err, true));
    int exit = cli.execute(args);
    out.toString().lines().forEach(l -> System.err.println("[fleet-e2e]   " + l));
    System.err.println("[fleet-e2e]   exit " + exit);
    return exit;
  }
}
