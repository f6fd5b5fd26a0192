package io.metamirror.fleet.region;

import io.metamirror.dns.plan.ActualHealthCheck;
import io.metamirror.dns.plan.HealthCheckSpec;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.dns.route53.Route53Gateway.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A game-day drill: take a region out of DNS answers on purpose by inverting the health checks of
 * its nodes ({@code Inverted=true}: each healthy node counts as unhealthy, the latency alias's
 * target is unhealthy, Route53 answers with other regions), keep it out for a while, revert them.
 * Records and instances are not touched, so putting the region back cannot fail on a record. On AWS
 * the region leaves answers after about (interval × threshold) and returns as fast; the emulator
 * never evaluates checks, so the report says what the checks were set to at each end. A drill
 * interrupted while out is finished by running it again with {@code --minutes 0}.
 */
public final class RegionDrill {
  /**
   * @param healthChecks the region's health checks the drill inverted
   * @param leftDns whether every one of them was inverted while the region was out
   * @param backInDns whether none of them is inverted afterwards
   */
  public record Report(String region, int healthChecks, boolean leftDns, boolean backInDns) {}

  private final String owner;
  private final RegionDns dns;
  private final Sleeper sleeper;
  private final Consumer<String> progress;

  public RegionDrill(String owner, RegionDns dns, Sleeper sleeper, Consumer<String> progress) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.dns = Objects.requireNonNull(dns, "dns");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * @throws IllegalStateException when the region has no health checks (it is not in DNS)
   */
  public Report run(String region, Duration away) throws InterruptedException {
    Route53Gateway gateway = dns.gateway();
    List<String> ids =
        gateway.read(dns.zoneId(), owner).healthChecks().stream()
            .filter(h -> region.equals(h.spec().tags().get(HealthCheckSpec.TAG_REGION)))
            .map(ActualHealthCheck::id)
            .sorted()
            .toList();
    if (ids.isEmpty()) {
      throw new IllegalStateException("region " + region + " has no health checks: not in DNS");
    }
    ids.forEach(id -> gateway.setInverted(id, true));
    boolean left = ids.stream().allMatch(gateway::isInverted);
    progress.accept(
        "drill " + region + ": " + ids.size() + " health checks inverted, out for " + away);
    try {
      sleeper.sleep(away);
    } finally {
      ids.forEach(id -> gateway.setInverted(id, false));
    }
    boolean back = ids.stream().noneMatch(gateway::isInverted);
    progress.accept("drill " + region + ": health checks reverted, back in DNS: " + back);
    return new Report(region, ids.size(), left, back);
  }
}
