package io.metamirror.cli.fleet;

import io.metamirror.cli.ExitCodes;
import io.metamirror.fleet.region.FleetLock;
import io.metamirror.fleet.region.RegionDns;
import io.metamirror.fleet.spec.FleetSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code --lock-holder}, and taking the fleet lock for the commands that change the fleet. */
@Command
public final class FleetLockOption {
  /** The lock outlives a crashed run this long; the same holder takes it over at once. */
  static final Duration LEASE = Duration.ofHours(1);

  @Option(
      names = "--lock-holder",
      paramLabel = "NAME",
      description = "Who holds the fleet lock while this runs (default: USER@HOST).")
  String lockHolder;

  /** The fleet lock, or a refusal (exit 3) naming who holds it until when. */
  public FleetLock acquire(FleetSpec spec, RegionDns dns) {
    try {
      return FleetLock.acquire(
          dns.gateway(),
          dns.zoneId(),
          spec.dns().owner(),
          spec.dns().name(),
          holder(),
          LEASE,
          Instant.now());
    } catch (FleetLock.HeldException e) {
      throw new ExitCodes.Refused(e.getMessage());
    }
  }

  private String holder() {
    if (lockHolder != null) {
      return lockHolder;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "someone") + "@" + host;
  }
}
