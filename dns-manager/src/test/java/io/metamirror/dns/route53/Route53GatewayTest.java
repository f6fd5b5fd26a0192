package io.metamirror.dns.route53;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.ActualHealthCheck;
import io.metamirror.dns.plan.ActualState;
import io.metamirror.dns.plan.ChangeBatch;
import io.metamirror.dns.plan.DesiredState;
import io.metamirror.dns.plan.HealthCheckChange;
import io.metamirror.dns.plan.Plan;
import io.metamirror.dns.plan.Planner;
import io.metamirror.dns.plan.RecordChange;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.plan.Routing;
import io.metamirror.dns.testing.FaultInjectingInterceptor;
import io.metamirror.dns.testing.MotoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.RRType;

/** Plans applied to a real moto_server through the gateway, and the zone read back. */
class Route53GatewayTest {
  static final String OWNER = "demo";
  static final String ZONE = "example.test.";
  static final String NAME = "repo.example.test.";

  Route53Client real;
  FaultInjectingInterceptor client;
  Route53Gateway gateway;
  String zoneId;
  final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void startWithAnEmptyZone() throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    real = new AwsAccess(moto.endpoint(), Map.of()).route53();
    client = new FaultInjectingInterceptor();
    gateway =
        new Route53Gateway(
            client.around(real),
            Route53Gateway.RetryPolicy.DEFAULT,
            sleeps::add,
            new Random(1),
            Duration.ofSeconds(5),
            Duration.ofMillis(10));
    zoneId =
        real.createHostedZone(r -> r.name(ZONE).callerReference("test-" + System.nanoTime()))
            .hostedZone()
            .id()
            .replaceFirst("^/hostedzone/", "");
  }

  @AfterEach
  void close() {
    client.close();
  }

  static List<Node> fleet(int regions, int nodesPerRegion) {
    String[] names = {"eu-west-1", "us-east-1", "ap-south-1", "sa-east-1", "ap-northeast-1"};
    List<Node> nodes = new ArrayList<>();
    for (int r = 0; r < regions; r++) {
      for (int n = 0; n < nodesPerRegion; n++) {
        nodes.add(new Node("n" + r + "-" + n, names[r], "203.0." + r + "." + (10 + n), null));
      }
    }
    return nodes;
  }

  DesiredState desired(List<Node> nodes) {
    return DesiredState.of(OWNER, zoneId, NAME, 60, HealthCheckSettings.defaults(), nodes);
  }

  Plan plan(List<Node> nodes) {
    return new Planner().plan(desired(nodes), gateway.read(zoneId, OWNER));
  }

  Route53Gateway.ApplyReport apply(List<Node> nodes) {
    Plan plan = plan(nodes);
    assertEquals(List.of(), plan.errors());
    Route53Gateway.ApplyReport report = gateway.apply(zoneId, plan, line -> {});
    assertEquals(List.of(), report.failures());
    return report;
  }

  ActualState zone() {
    return gateway.read(zoneId, OWNER);
  }

  List<RecordSet> records(String name, String type) {
    return zone().records().stream()
        .filter(r -> r.name().equals(name) && r.type().equals(type))
        .toList();
  }

  @Test
  void threeRegionsOfTwoNodesFromAnEmptyZoneGiveExactlyTheDesignedRecordsAndChecks() {
    apply(fleet(3, 2));
    ActualState zone = zone();

    List<RecordSet> aliases = records(NAME, "A");
    assertEquals(3, aliases.size());
    for (RecordSet a : aliases) {
      assertEquals(Routing.Policy.LATENCY, a.routing().policy());
      assertEquals(a.setIdentifier(), a.routing().region());
      assertEquals(a.setIdentifier() + "." + NAME, a.alias().dnsName());
      assertEquals(zoneId, a.alias().hostedZoneId());
      assertTrue(a.alias().evaluateTargetHealth());
    }
    assertEquals(Set.of("eu-west-1", "us-east-1", "ap-south-1"), setIds(aliases));
    assertEquals(List.of(), records(NAME, "AAAA"));

    assertEquals(6, zone.healthChecks().size());
    Map<String, ActualHealthCheck> checksById =
        zone.healthChecks().stream().collect(Collectors.toMap(ActualHealthCheck::id, c -> c));
    for (String region : List.of("eu-west-1", "us-east-1", "ap-south-1")) {
      List<RecordSet> nodes = records(region + "." + NAME, "A");
      assertEquals(2, nodes.size(), region);
      for (RecordSet n : nodes) {
        assertEquals(Routing.weighted(1), n.routing());
        assertEquals(60L, n.ttl());
        ActualHealthCheck hc = checksById.get(n.healthCheck().substring(3));
        assertNotNull(hc, "record " + n + " uses an owned health check");
        assertEquals(n.values(), List.of(hc.spec().ipAddress()));
        assertEquals("HTTPS", hc.spec().type());
        assertEquals("/.metamirror/health", hc.spec().resourcePath());
        assertEquals(443, hc.spec().port());
        assertEquals(30, hc.spec().requestInterval());
        assertEquals(3, hc.spec().failureThreshold());
        assertEquals(OWNER, hc.spec().tags().get("metamirror:owner"));
        assertEquals(region, hc.spec().tags().get("metamirror:region"));
        assertEquals(n.setIdentifier(), hc.spec().tags().get("metamirror:node"));
      }
      assertEquals(
          List.of(DesiredState.ownershipValue(OWNER)),
          records(region + "." + NAME, "TXT").get(0).values());
    }
    assertEquals(List.of(DesiredState.ownershipValue(OWNER)), records(NAME, "TXT").get(0).values());
  }

  @Test
  void aSecondApplyPlansNothingAndWritesNothing() {
    apply(fleet(3, 2));
    int writes = client.writes.get();
    Plan again = plan(fleet(3, 2));
    assertTrue(again.isEmpty(), () -> String.join("\n", again.describe()));
    gateway.apply(zoneId, again, line -> {});
    assertEquals(writes, client.writes.get());
  }

  @Test
  void removingANodeDeletesOnlyItsRecordThenItsHealthCheck() {
    List<Node> nodes = fleet(3, 2);
    apply(nodes);
    List<Node> fewer = new ArrayList<>(nodes);
    Node gone = fewer.remove(1); // n0-1 in eu-west-1
    Plan plan = plan(fewer);
    assertEquals(List.of(), plan.healthChecksFirst());
    assertEquals(1, plan.recordChanges().size());
    RecordChange delete = plan.recordChanges().get(0);
    assertEquals(RecordChange.Action.DELETE, delete.action());
    assertEquals(gone.id(), delete.record().setIdentifier());
    assertEquals(1, plan.healthChecksLast().size());
    assertEquals(HealthCheckChange.Action.DELETE, plan.healthChecksLast().get(0).action());

    gateway.apply(zoneId, plan, line -> {});
    assertEquals(Set.of("n0-0"), setIds(records("eu-west-1." + NAME, "A")));
    assertEquals(5, zone().healthChecks().size());
    assertTrue(plan(fewer).isEmpty());
  }

  @Test
  void addingARegionCreatesItsTargetsAndChecksBeforeItsAlias() {
    apply(fleet(2, 2));
    Plan plan = plan(fleet(3, 2));
    assertEquals(2, plan.healthChecksFirst().size());
    assertEquals(2, plan.batches().size(), () -> String.join("\n", plan.describe()));
    assertEquals(
        Set.of("ap-south-1." + NAME),
        plan.batches().get(0).changes().stream()
            .map(c -> c.record().name())
            .collect(Collectors.toSet()));
    assertEquals(3, plan.batches().get(0).changes().size()); // two nodes and the TXT
    List<RecordChange> aliasBatch = plan.batches().get(1).changes();
    assertEquals(1, aliasBatch.size());
    assertEquals(RecordChange.Action.CREATE, aliasBatch.get(0).action());
    assertEquals("ap-south-1", aliasBatch.get(0).record().setIdentifier());
    assertEquals(List.of(), plan.healthChecksLast());

    gateway.apply(zoneId, plan, line -> {});
    assertEquals(3, records(NAME, "A").size());
    assertTrue(plan(fleet(3, 2)).isEmpty());
  }

  @Test
  void replacingANodesAddressUpsertsItsRecordAndUpdatesItsCheck() {
    List<Node> nodes = fleet(3, 2);
    apply(nodes);
    List<Node> moved = new ArrayList<>(nodes);
    Node old = moved.get(2);
    moved.set(2, new Node(old.id(), old.region(), "198.51.100.77", null));
    Plan plan = plan(moved);
    assertEquals(1, plan.healthChecksFirst().size());
    assertEquals(HealthCheckChange.Action.UPDATE, plan.healthChecksFirst().get(0).action());
    assertEquals(1, plan.recordChanges().size());
    assertEquals(RecordChange.Action.UPSERT, plan.recordChanges().get(0).action());
    assertEquals(List.of(), plan.healthChecksLast());

    gateway.apply(zoneId, plan, line -> {});
    RecordSet r =
        records(old.region() + "." + NAME, "A").stream()
            .filter(x -> x.setIdentifier().equals(old.id()))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("198.51.100.77"), r.values());
    assertTrue(
        zone().healthChecks().stream().anyMatch(c -> c.spec().ipAddress().equals("198.51.100.77")));
    assertTrue(plan(moved).isEmpty());
  }

  @Test
  void aRecordTheFleetDoesNotOwnIsLeftUntouched() {
    createForeign("www.example.test.", "192.0.2.1");
    apply(fleet(1, 1));
    apply(List.of()); // removing every node deletes all of the fleet's records
    assertEquals(List.of("192.0.2.1"), records("www.example.test.", "A").get(0).values());
    assertEquals(List.of(), records(NAME, "A"));
    assertEquals(0, zone().healthChecks().size());
  }

  @Test
  void aForeignRecordAtTheManagedNameIsAClearErrorAndNothingChanges() {
    createForeign(NAME, "192.0.2.9");
    int writes = client.writes.get();
    Plan plan = plan(fleet(2, 2));
    assertFalse(plan.errors().isEmpty());
    assertTrue(
        plan.errors()
            .get(0)
            .contains("repo.example.test. A exists and is not owned by fleet 'demo'"),
        plan.errors().toString());
    assertEquals(List.of(), plan.recordChanges());
    assertEquals(writes, client.writes.get());
    assertEquals(List.of("192.0.2.9"), records(NAME, "A").get(0).values());
  }

  @Test
  void fifteenHundredNodesGoInSeveralBatchesEachWithinTheLimits() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      // 250 per region name: moto_server cannot page past 300 records of one name and type.
      String region =
          List.of("eu-west-1", "us-east-1", "ap-south-1", "sa-east-1", "eu-central-1", "us-west-2")
              .get(i % 6);
      nodes.add(new Node("node-" + i, region, "10." + (i / 250) + "." + (i % 250) + ".1", null));
    }
    Plan plan = plan(nodes);
    assertEquals(List.of(), plan.errors());
    assertTrue(plan.batches().size() >= 3, "batches: " + plan.batches().size());
    for (ChangeBatch b : plan.batches()) {
      assertTrue(b.values() <= 1000, "values " + b.values());
      assertTrue(b.chars() <= 32000, "chars " + b.chars());
      Set<String> names = new TreeSet<>();
      b.changes().forEach(c -> names.add(c.record().name()));
      for (String n : names) {
        // every record of a name is in this batch
        long inOthers =
            plan.batches().stream()
                .filter(o -> o != b)
                .flatMap(o -> o.changes().stream())
                .filter(c -> c.record().name().equals(n))
                .count();
        assertEquals(0, inOthers, n);
      }
    }
    Route53Gateway.ApplyReport report = gateway.apply(zoneId, plan, line -> {});
    assertEquals(List.of(), report.failures());
    assertEquals(plan.batches().size(), client.changeBatches.get());
    assertEquals(1500, zone().healthChecks().size());
    assertEquals(250, records("us-east-1." + NAME, "A").size());
  }

  @Test
  void injectedThrottlingIsRetriedWithBackoffAndTheApplyConverges() {
    client.throttleEvery(3);
    Route53Gateway.ApplyReport report = apply(fleet(3, 2));
    assertTrue(client.throttled.get() > 5, "throttled " + client.throttled.get());
    assertTrue(report.ok());
    assertFalse(sleeps.isEmpty());
    assertTrue(sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(20)) <= 0));
    client.throttleEvery(0);
    assertTrue(plan(fleet(3, 2)).isEmpty());
    assertEquals(6, zone().healthChecks().size(), "a retried create made no second check");
  }

  @Test
  void aFailedBatchIsReportedAndTheOthersAreStillApplied() {
    // A batch Route53 refuses: a DELETE of a record that does not exist.
    RecordSet ghost =
        new RecordSet(
            "ghost.example.test.",
            "A",
            null,
            Routing.simple(),
            60L,
            List.of("192.0.2.7"),
            null,
            null);
    RecordSet real1 =
        new RecordSet(
            "ok.example.test.", "A", null, Routing.simple(), 60L, List.of("192.0.2.8"), null, null);
    Plan plan =
        new Plan(
            List.of(),
            List.of(
                new ChangeBatch(List.of(new RecordChange(RecordChange.Action.DELETE, ghost)), 1, 9),
                new ChangeBatch(
                    List.of(new RecordChange(RecordChange.Action.CREATE, real1)), 1, 9)),
            List.of(),
            List.of(),
            Map.of());
    Route53Gateway.ApplyReport report = gateway.apply(zoneId, plan, line -> {});
    assertEquals(1, report.failures().size(), report.toString());
    assertTrue(report.failures().get(0).startsWith("batch 1/2"), report.failures().get(0));
    assertEquals(List.of("192.0.2.8"), records("ok.example.test.", "A").get(0).values());
  }

  private void createForeign(String name, String ip) {
    real.changeResourceRecordSets(
        r ->
            r.hostedZoneId(zoneId)
                .changeBatch(
                    b ->
                        b.changes(
                            c ->
                                c.action("CREATE")
                                    .resourceRecordSet(
                                        s ->
                                            s.name(name)
                                                .type(RRType.A)
                                                .ttl(300L)
                                                .resourceRecords(v -> v.value(ip))))));
  }

  private static Set<String> setIds(List<RecordSet> records) {
    return records.stream().map(RecordSet::setIdentifier).collect(Collectors.toSet());
  }
}
