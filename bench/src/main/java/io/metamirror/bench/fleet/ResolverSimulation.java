package io.metamirror.bench.fleet;

import io.metamirror.dns.plan.ActualHealthCheck;
import io.metamirror.dns.plan.ActualState;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.FleetInstance;
import io.metamirror.fleet.simulation.InstanceSimulation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * SIMULATION of DNS resolution for the fleet e2e run, since the emulator answers no DNS query and
 * evaluates no health check: every {@code every} it reads the zone's records and health checks from
 * the emulator's Route53, measures each record's node the way a health check would (its health
 * endpoint answers 200, else it is left out), and maps each record's address to the loopback URL of
 * the simulated instance that has it (the address EC2 gave the instance; the instance simulation
 * knows its URL). Clients resolve through the newest reading ({@link Route53Answers}), so the
 * answers are at most one refresh old, like a resolver with a TTL of that period. Traffic goes to
 * loopback only.
 */
final class ResolverSimulation implements AutoCloseable {
  /** One reading: the zone as Route53 would evaluate it, and each address's loopback URL. */
  record Reading(Route53Answers.Zone zone, Map<String, String> urls, long takenAt) {}

  private final Route53Gateway gateway;
  private final String zoneId;
  private final String owner;
  private final String name;
  private final Ec2Fleet ec2;
  private final List<String> regions;
  private final InstanceSimulation instances;
  private final String healthPath;
  private final Duration every;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();
  private final Thread refresher;
  private volatile Reading reading;
  private volatile boolean stopped;

  ResolverSimulation(
      Route53Gateway gateway,
      String zoneId,
      String owner,
      String name,
      Ec2Fleet ec2,
      List<String> regions,
      InstanceSimulation instances,
      String healthPath,
      Duration every) {
    this.gateway = gateway;
    this.zoneId = zoneId;
    this.owner = owner;
    this.name = name;
    this.ec2 = ec2;
    this.regions = List.copyOf(regions);
    this.instances = instances;
    this.healthPath = healthPath;
    this.every = every;
    this.refresher = new Thread(this::refreshLoop, "resolver-simulation");
    refresher.setDaemon(true);
  }

  /** Takes the first reading, then refreshes in the background. */
  void start() throws InterruptedException {
    reading = read();
    refresher.start();
  }

  /** The loopback URL a client nearest to {@code clientRegion} sends a request to; null: none. */
  String resolve(String clientRegion, SplittableRandom random) {
    Reading r = reading;
    String address =
        Route53Answers.pick(Route53Answers.answer(r.zone(), name, clientRegion), random);
    return address == null ? null : r.urls().get(address);
  }

  /** The addresses of the answer to a client nearest to {@code clientRegion}, now. */
  Set<String> answer(String clientRegion) {
    Set<String> out = new HashSet<>();
    Route53Answers.answer(reading.zone(), name, clientRegion).forEach(t -> out.add(t.address()));
    return out;
  }

  /** A reading taken after this call began. */
  Reading fresh() throws InterruptedException {
    long since = System.nanoTime();
    while (reading.takenAt() < since) {
      Thread.sleep(20);
    }
    return reading;
  }

  /**
   * Address → instance id in the regions, from EC2: terminated instances too (a record may still
   * point at one; its node is then draining or gone, which the health probe and the client see), a
   * live instance winning an address EC2 gave twice.
   */
  private Map<String, String> instanceByAddress() {
    Map<String, String> out = new HashMap<>();
    for (String region : regions) {
      for (FleetInstance i : ec2.instances(region, w -> {})) {
        if (i.ipv4() != null && (i.isLive() || !out.containsKey(i.ipv4()))) {
          out.put(i.ipv4(), i.instanceId());
        }
      }
    }
    return out;
  }

  private void refreshLoop() {
    while (!stopped) {
      try {
        Thread.sleep(every.toMillis());
        reading = read();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!stopped) {
          System.err.println("[fleet-e2e] resolver simulation: " + e);
        }
      }
    }
  }

  private Reading read() throws InterruptedException {
    long takenAt = System.nanoTime();
    ActualState actual = gateway.read(zoneId, owner);
    Set<String> inverted = new HashSet<>();
    for (ActualHealthCheck c : actual.healthChecks()) {
      if (gateway.isInverted(c.id())) {
        inverted.add(c.id());
      }
    }
    Map<String, String> byAddress = instanceByAddress();
    Map<String, String> urls = new HashMap<>();
    Set<String> healthy = new HashSet<>();
    for (RecordSet r : actual.records()) {
      if (!r.type().equals("A") || r.isAlias()) {
        continue;
      }
      for (String address : r.values()) {
        String id = byAddress.get(address);
        String url = id == null ? null : instances.url(id);
        if (url == null) {
          continue;
        }
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        urls.put(address, base);
        if (answers200(base + healthPath)) {
          healthy.add(address);
        }
      }
    }
    return new Reading(new Route53Answers.Zone(actual.records(), inverted, healthy), urls, takenAt);
  }

  private boolean answers200(String url) throws InterruptedException {
    try {
      HttpRequest probe =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
      return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    stopped = true;
    refresher.interrupt();
  }
}
