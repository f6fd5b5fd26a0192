package io.metamirror.fleet.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.dns.testing.MotoServer;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.spec.FleetSpec;
import io.metamirror.fleet.spec.SampleFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Region operations against the AWS emulator: real EC2 and Route53 calls, node health from {@link
 * SimulatedNodeHealth}.
 */
class RegionOperationTest {
  static final String REGION = "eu-west-1";

  Ec2Clients ec2Clients;
  FleetSpec spec;
  Ec2Fleet ec2;
  RegionDns dns;
  SimulatedNodeHealth health;
  final List<String> progress = new ArrayList<>();
  final List<Duration> slept = new ArrayList<>();

  @BeforeEach
  void emulator() throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    AwsAccess aws = new AwsAccess(moto.endpoint(), Map.of());
    ec2Clients = new Ec2Clients(aws);
    String ami;
    try (Ec2Client c = ec2Clients.forRegion(REGION)) {
      ami = c.describeImages(r -> r.maxResults(5)).images().get(0).imageId();
    }
    aws.route53().createHostedZone(r -> r.name("example.test.").callerReference("region-op"));
    spec =
        FleetSpec.parse(
            "fleet.yaml",
            SampleFleet.OPERABLE
                .replace("ami-0123456789abcdef0", ami)
                .replaceAll("( *)subnets: .*\n", "")
                .replaceAll("( *)securityGroups: .*\n", "")
                .replaceAll("( *)instanceProfile: .*\n", "")
                .replace("count: 3", "count: 2"));
    ec2 = new Ec2Fleet("demo", ec2Clients::forRegion);
    Route53Gateway gateway =
        new Route53Gateway(
            aws.route53(),
            Route53Gateway.RetryPolicy.DEFAULT,
            d -> {},
            new Random(1),
            Duration.ofSeconds(10),
            Duration.ofMillis(10));
    dns = new RegionDns(spec.dns(), gateway);
    health = new SimulatedNodeHealth();
  }

  @AfterEach
  void stop() {
    health.close();
  }

  RegionOperation operation(Duration healthyWithin) {
    return new RegionOperation(
        spec,
        REGION,
        ec2,
        dns,
        health.endpoints(),
        new HealthProbe(Duration.ofSeconds(5)),
        0,
        new RegionOperation.Timing(healthyWithin, Duration.ofMillis(20), Duration.ofSeconds(5)),
        slept::add,
        System::nanoTime,
        progress::add,
        w -> progress.add("warning: " + w));
  }

  RegionOperation.Outcome run(Operation op) throws Exception {
    RegionOperation o = operation(Duration.ofSeconds(30));
    return o.run(o.plan(op, 2));
  }

  Set<String> live(int generation) {
    Set<String> ids = new TreeSet<>();
    for (FleetInstance i : ec2.instances(REGION, w -> {})) {
      if (i.isLive() && i.generation() == generation) {
        ids.add(i.instanceId());
      }
    }
    return ids;
  }

  Set<String> inDns() {
    Set<String> ids = new TreeSet<>();
    dns.nodesByRegion().getOrDefault(REGION, List.of()).forEach(n -> ids.add(n.id()));
    return ids;
  }

  @Test
  void addLaunchesTaggedInstancesWithUserDataAndPutsThemInDns() throws Exception {
    RegionOperation.Outcome o = run(Operation.ADD);
    assertTrue(o.ok(), o.failure() + " " + progress);
    Set<String> gen1 = live(1);
    assertEquals(2, gen1.size());
    assertEquals(gen1, inDns());
    String userData = ec2.userData(REGION, gen1.iterator().next());
    assertTrue(userData.startsWith("#cloud-config\n"), userData);
    assertTrue(userData.contains(SampleFleet.SHA256), userData);
    assertEquals(3, progress.size(), progress.toString());
    assertTrue(
        progress
            .get(0)
            .matches("step 1/3 launch 2 instances of generation 1: done \\(\\d+\\.\\d s\\)"),
        progress.get(0));
    assertTrue(run(Operation.ADD).plan().isEmpty(), "a second add has nothing to do");
  }

  @Test
  void replaceSwapsDnsToTheNewGenerationAndTerminatesTheOldAfterTheTtl() throws Exception {
    assertTrue(run(Operation.ADD).ok(), progress.toString());
    Set<String> old = live(1);
    RegionOperation.Outcome o = run(Operation.REPLACE);
    assertTrue(o.ok(), o.failure() + " " + progress);
    assertEquals(2, live(2).size());
    assertEquals(live(2), inDns());
    assertEquals(Set.of(), live(1), "the old generation is terminated");
    assertFalse(inDns().removeAll(old));
    assertEquals(
        List.of(Duration.ofSeconds(65)),
        slept.stream().filter(d -> d.toSeconds() > 1).toList(),
        "TTL 60 + margin 5");
  }

  @Test
  void aNewGenerationThatNeverBecomesHealthyIsRolledBackAndDnsIsUntouched() throws Exception {
    assertTrue(run(Operation.ADD).ok(), progress.toString());
    Set<String> before = inDns();
    health.newNodesNeverHealthy();
    RegionOperation o = operation(Duration.ofMillis(300));
    RegionOperation.Outcome outcome = o.run(o.plan(Operation.REPLACE, 2));
    assertFalse(outcome.ok());
    assertTrue(outcome.rolledBack());
    assertTrue(outcome.failure().contains("not healthy and synced within"), outcome.failure());
    assertTrue(
        outcome.failure().contains("BOOTSTRAPPING") || outcome.failure().contains("bootstrapping"),
        outcome.failure());
    assertEquals(before, inDns(), "DNS unchanged");
    assertEquals(Set.of(), live(2), "the new generation is terminated");
    assertEquals(before, live(1), "the old generation still serves");
  }

  @Test
  void removeTakesTheRegionOutOfDnsAndTerminatesEveryInstance() throws Exception {
    assertTrue(run(Operation.ADD).ok(), progress.toString());
    RegionOperation.Outcome o = run(Operation.REMOVE);
    assertTrue(o.ok(), o.failure() + " " + progress);
    assertEquals(Set.of(), inDns());
    assertEquals(Set.of(), live(1));
  }

  @Test
  void anAddInterruptedAfterTheLaunchResumesWithTheWaitAndLaunchesNothingMore() throws Exception {
    RegionOperation o = operation(Duration.ofSeconds(30));
    RegionPlan full = o.plan(Operation.ADD, 2);
    o.run(new RegionPlan(Operation.ADD, REGION, 1, full.steps().subList(0, 1), null, null));
    assertEquals(2, live(1).size());
    RegionPlan resumed = o.plan(Operation.ADD, 2);
    assertEquals(full.steps().subList(1, full.steps().size()), resumed.steps());
    assertTrue(o.run(resumed).ok());
    assertEquals(2, live(1).size());
    assertEquals(live(1), inDns());
  }

  @Test
  void aDrillInvertsTheRegionsHealthChecksForItsTimeAndRevertsThem() throws Exception {
    assertTrue(run(Operation.ADD).ok(), progress.toString());
    Set<String> before = inDns();
    Route53Gateway g = dns.gateway();
    List<List<Boolean>> duringTheDrill = new ArrayList<>();
    RegionDrill drill =
        new RegionDrill("demo", dns, d -> duringTheDrill.add(inverted(g)), progress::add);
    RegionDrill.Report report = drill.run(REGION, Duration.ofMinutes(5));
    assertEquals(List.of(List.of(true, true)), duringTheDrill, "both nodes' checks inverted");
    assertEquals(new RegionDrill.Report(REGION, 2, true, true), report);
    assertEquals(List.of(false, false), inverted(g));
    assertEquals(before, inDns(), "records untouched");
    assertEquals(before, live(1), "instances untouched");
  }

  List<Boolean> inverted(Route53Gateway g) {
    return g.read(dns.zoneId(), "demo").healthChecks().stream()
        .map(h -> g.isInverted(h.id()))
        .toList();
  }

  FleetLock lock(String holder, Instant now) throws FleetLock.HeldException {
    return FleetLock.acquire(
        dns.gateway(),
        dns.zoneId(),
        "demo",
        "repo.example.test.",
        holder,
        Duration.ofMinutes(30),
        now);
  }

  @Test
  void theFleetLockRefusesAnotherHolderUntilItExpires() throws Exception {
    Instant now = Instant.parse("2026-12-06T06:00:00Z");
    lock("alice@ops1", now);
    FleetLock.HeldException e =
        assertThrows(FleetLock.HeldException.class, () -> lock("bob@ops2", now.plusSeconds(60)));
    assertEquals(
        "the fleet is locked by alice@ops1 until 2026-12-06T06:30:00Z"
            + " (_metamirror-lock.repo.example.test.)",
        e.getMessage());
    // The same holder resumes at once; after the expiry anyone may take it; a release frees it.
    lock("alice@ops1", now.plusSeconds(60));
    lock("bob@ops2", now.plusSeconds(3600)).close();
    lock("carol@ops3", now).close();
  }
}
