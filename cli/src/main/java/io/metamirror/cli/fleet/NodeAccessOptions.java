package io.metamirror.cli.fleet;

import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.fleet.region.NodeEndpoints;
import io.metamirror.fleet.spec.FleetSpec;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** How {@code region} and {@code fleet} commands reach each instance's health endpoint. */
@Command
public final class NodeAccessOptions {
  @Option(
      names = "--simulated-instances",
      paramLabel = "FILE",
      description =
          "TESTS ONLY: read each instance's health URL from FILE (instance-id=http://127.0.0.1:PORT"
              + " lines, written by a simulation that runs a real node per emulated instance)"
              + " instead of using its public address. Never set it against real AWS.")
  Path simulatedInstances;

  public NodeEndpoints endpoints(FleetSpec spec) {
    HealthCheckSettings health = spec.dns().healthCheck();
    if (simulatedInstances != null) {
      return NodeEndpoints.simulated(simulatedInstances, health.path());
    }
    return NodeEndpoints.publicAddresses(
        health, spec.node() != null ? spec.node().port() : health.port());
  }
}
