package io.metamirror.fleet.region;

import java.util.Objects;

/**
 * An EC2 instance of the fleet as its tags describe it: {@code metamirror:fleet} (the owner),
 * {@code metamirror:region}, {@code metamirror:generation} (1, 2, ...: each launch of a region gets
 * the next) and {@code metamirror:role=mirror}. Its id is also its node id in DNS.
 */
public record FleetInstance(
    String instanceId, String region, int generation, State state, String ipv4, String ipv6) {
  /** EC2's instance states. */
  public enum State {
    PENDING,
    RUNNING,
    STOPPING,
    STOPPED,
    SHUTTING_DOWN,
    TERMINATED;

    /** From EC2's name ({@code shutting-down}). */
    public static State of(String ec2Name) {
      return valueOf(ec2Name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  public FleetInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(state, "state");
    if (generation < 1) {
      throw new IllegalArgumentException("generation < 1: " + generation);
    }
  }

  public FleetInstance(String instanceId, String region, int generation, State state) {
    this(instanceId, region, generation, state, null, null);
  }

  /** Not on its way out: it still costs money and may still serve. */
  public boolean isLive() {
    return state != State.SHUTTING_DOWN && state != State.TERMINATED;
  }
}
