package io.metamirror.dns.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.RecordChange.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The planner alone, without any AWS client: actual state is built by hand as the gateway would
 * read it (health-check references as {@code id:<id>}).
 */
class PlannerTest {
  static final String OWNER = "demo";
  static final String ZONE = "Z1";
  static final String NAME = "repo.example.test.";
  static final String TXT = DesiredState.ownershipValue(OWNER);

  static DesiredState desired(Node... nodes) {
    return desired(HealthCheckSettings.defaults(), nodes);
  }

  static DesiredState desired(HealthCheckSettings h, Node... nodes) {
    return DesiredState.of(OWNER, ZONE, NAME, 60, h, List.of(nodes));
  }

  static Node v4(String id, String region, String ip) {
    return new Node(id, region, ip, null);
  }

  /** The zone as it would be after applying {@code d}: checks get ids hc-<key>. */
  static ActualState appliedState(DesiredState d) {
    List<ActualHealthCheck> checks = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (HealthCheckSpec c : d.healthChecks()) {
      String id = "hc-" + c.key().replace(':', '-');
      ids.put(c.key(), id);
      checks.add(new ActualHealthCheck(id, c));
    }
    List<RecordSet> records = new ArrayList<>();
    for (RecordSet r : d.records()) {
      records.add(
          r.healthCheck() == null ? r : r.withHealthCheck("id:" + ids.get(r.healthCheck())));
    }
    return new ActualState(records, checks);
  }

  static Plan plan(DesiredState d, ActualState a) {
    return new Planner().plan(d, a);
  }

  static List<String> lines(Plan p) {
    return p.recordChanges().stream().map(RecordChange::toString).toList();
  }

  @Test
  void anEmptyZoneGetsChecksFirstThenTargetsThenAliases() {
    Plan p =
        plan(
            desired(
                v4("eu1", "eu-west-1", "203.0.113.10"),
                v4("eu2", "eu-west-1", "203.0.113.11"),
                new Node("us1", "us-east-1", "198.51.100.10", "2001:db8::10")),
            ActualState.empty());
    assertEquals(List.of(), p.errors());
    assertEquals(3, p.healthChecksFirst().size());
    assertTrue(
        p.healthChecksFirst().stream()
            .allMatch(c -> c.action() == HealthCheckChange.Action.CREATE));
    assertEquals(2, p.batches().size(), String.join("\n", p.describe()));
    // batch 1: every target name (rank 0); batch 2: the alias name
    assertTrue(
        p.batches().get(0).changes().stream().allMatch(c -> !c.record().isAlias()),
        String.join("\n", p.describe()));
    List<RecordChange> aliases = p.batches().get(1).changes();
    assertEquals(
        List.of(
            "+ repo.example.test. A [eu-west-1] latency eu-west-1 alias → eu-west-1.repo.example.test. (evaluate target health)",
            "+ repo.example.test. A [us-east-1] latency us-east-1 alias → us-east-1.repo.example.test. (evaluate target health)",
            "+ repo.example.test. AAAA [us-east-1] latency us-east-1 alias → us-east-1.repo.example.test. (evaluate target health)",
            "+ repo.example.test. TXT simple ttl 60 " + TXT),
        aliases.stream().map(RecordChange::toString).toList());
    assertTrue(
        lines(p)
            .contains(
                "+ us-east-1.repo.example.test. AAAA [us1] weighted 1 ttl 60 2001:db8::10 health check us-east-1:us1"));
    assertEquals(List.of(), p.healthChecksLast());
  }

  @Test
  void anAppliedFleetPlansNothing() {
    DesiredState d =
        desired(v4("eu1", "eu-west-1", "203.0.113.10"), v4("us1", "us-east-1", "198.51.100.10"));
    Plan p = plan(d, appliedState(d));
    assertTrue(p.isEmpty(), String.join("\n", p.describe()));
    assertEquals(List.of("no changes: Route53 matches the fleet"), p.describe());
  }

  @Test
  void aChangedAddressIsAnUpsertAndAHealthCheckUpdate() {
    DesiredState before = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    Plan p = plan(desired(v4("eu1", "eu-west-1", "203.0.113.99")), appliedState(before));
    assertEquals(1, p.healthChecksFirst().size());
    HealthCheckChange u = p.healthChecksFirst().get(0);
    assertEquals(HealthCheckChange.Action.UPDATE, u.action());
    assertEquals("hc-eu-west-1-eu1", u.id());
    assertEquals("203.0.113.99", u.spec().ipAddress());
    assertEquals(
        List.of(
            "~ eu-west-1.repo.example.test. A [eu1] weighted 1 ttl 60 203.0.113.99 health check eu-west-1:eu1"),
        lines(p));
    assertEquals(List.of(), p.healthChecksLast());
  }

  @Test
  void aChangedIntervalReplacesTheCheckAndRepointsTheRecordBeforeDeletingTheOld() {
    DesiredState before = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    HealthCheckSettings fast = new HealthCheckSettings("HTTPS", "/.metamirror/health", 443, 10, 3);
    Plan p = plan(desired(fast, v4("eu1", "eu-west-1", "203.0.113.10")), appliedState(before));
    assertEquals(HealthCheckChange.Action.CREATE, p.healthChecksFirst().get(0).action());
    assertEquals(1, p.recordChanges().size());
    assertEquals(Action.UPSERT, p.recordChanges().get(0).action());
    assertEquals(1, p.healthChecksLast().size());
    assertEquals(HealthCheckChange.Action.DELETE, p.healthChecksLast().get(0).action());
    assertEquals("hc-eu-west-1-eu1", p.healthChecksLast().get(0).id());
    assertFalse(p.healthCheckIds().containsKey("eu-west-1:eu1"), "the old id is not reused");
  }

  @Test
  void aRemovedNodeLosesItsRecordBeforeItsHealthCheck() {
    DesiredState before =
        desired(v4("eu1", "eu-west-1", "203.0.113.10"), v4("eu2", "eu-west-1", "203.0.113.11"));
    Plan p = plan(desired(v4("eu1", "eu-west-1", "203.0.113.10")), appliedState(before));
    assertEquals(List.of(), p.healthChecksFirst());
    assertEquals(
        List.of(
            "- eu-west-1.repo.example.test. A [eu2] weighted 1 ttl 60 203.0.113.11 health check id:hc-eu-west-1-eu2"),
        lines(p));
    assertEquals("hc-eu-west-1-eu2", p.healthChecksLast().get(0).id());
  }

  @Test
  void aRemovedRegionLosesItsAliasInAnEarlierBatchThanItsTargets() {
    DesiredState before =
        desired(v4("eu1", "eu-west-1", "203.0.113.10"), v4("us1", "us-east-1", "198.51.100.10"));
    Plan p = plan(desired(v4("eu1", "eu-west-1", "203.0.113.10")), appliedState(before));
    assertEquals(2, p.batches().size(), String.join("\n", p.describe()));
    assertEquals(
        List.of(
            "- repo.example.test. A [us-east-1] latency us-east-1 alias → us-east-1.repo.example.test. (evaluate target health)"),
        p.batches().get(0).changes().stream().map(RecordChange::toString).toList());
    assertEquals(
        List.of(
            "- us-east-1.repo.example.test. A [us1] weighted 1 ttl 60 198.51.100.10 health check id:hc-us-east-1-us1",
            "- us-east-1.repo.example.test. TXT simple ttl 60 " + TXT),
        p.batches().get(1).changes().stream().map(RecordChange::toString).toList());
    assertEquals(1, p.healthChecksLast().size());
  }

  @Test
  void removingEveryNodeRemovesEveryOwnedRecordIncludingOwnership() {
    DesiredState before = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    Plan p = plan(desired(), appliedState(before));
    assertEquals(4, p.recordChanges().size());
    assertTrue(p.recordChanges().stream().allMatch(c -> c.action() == Action.DELETE));
    // the alias name (with its TXT) goes before the target name
    assertEquals(NAME, p.batches().get(0).changes().get(0).record().name());
  }

  @Test
  void aChangedRoutingPolicyIsADeleteAndACreateNotAnUpsert() {
    DesiredState d = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    ActualState a = appliedState(d);
    List<RecordSet> records = new ArrayList<>();
    for (RecordSet r : a.records()) {
      records.add(
          r.setIdentifier() != null && r.setIdentifier().equals("eu1")
              ? new RecordSet(
                  r.name(),
                  r.type(),
                  "eu1",
                  Routing.multivalue(),
                  r.ttl(),
                  r.values(),
                  null,
                  r.healthCheck())
              : r);
    }
    Plan p = plan(d, new ActualState(records, a.healthChecks()));
    assertEquals(
        List.of(Action.DELETE, Action.CREATE),
        p.recordChanges().stream().map(RecordChange::action).toList());
    assertEquals(1, p.batches().size());
  }

  @Test
  void aRecordThatStoppedBeingAnAliasIsADeleteAndACreate() {
    DesiredState d = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    ActualState a = appliedState(d);
    List<RecordSet> records = new ArrayList<>();
    for (RecordSet r : a.records()) {
      records.add(
          r.isAlias()
              ? new RecordSet(
                  r.name(),
                  "A",
                  "eu-west-1",
                  Routing.latency("eu-west-1"),
                  60L,
                  List.of("203.0.113.10"),
                  null,
                  null)
              : r);
    }
    Plan p = plan(d, new ActualState(records, a.healthChecks()));
    assertEquals(
        List.of(Action.DELETE, Action.CREATE),
        p.recordChanges().stream().map(RecordChange::action).toList());
  }

  @Test
  void aChangedTtlIsAnUpsertOfTheOwnershipAndNodeRecords() {
    DesiredState before = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    DesiredState after =
        DesiredState.of(
            OWNER,
            ZONE,
            NAME,
            30,
            HealthCheckSettings.defaults(),
            List.of(v4("eu1", "eu-west-1", "203.0.113.10")));
    Plan p = plan(after, appliedState(before));
    assertEquals(3, p.recordChanges().size(), String.join("\n", p.describe()));
    assertTrue(p.recordChanges().stream().allMatch(c -> c.action() == Action.UPSERT));
  }

  @Test
  void aForeignRecordAtTheManagedNameRefusesThePlanWithItsName() {
    RecordSet foreign =
        new RecordSet(NAME, "A", null, Routing.simple(), 300L, List.of("192.0.2.1"), null, null);
    Plan p =
        plan(
            desired(v4("eu1", "eu-west-1", "203.0.113.10")),
            new ActualState(List.of(foreign), List.of()));
    assertEquals(
        List.of(
            "conflict: repo.example.test. A exists and is not owned by fleet 'demo' (no ownership TXT record at that name); metamirror changes nothing until it is removed or the fleet's name changes"),
        p.errors());
    assertEquals(List.of(), p.batches());
    assertFalse(p.isEmpty());
  }

  @Test
  void aNameOwnedByAnotherFleetIsAConflictNamingThatFleet() {
    RecordSet theirs =
        new RecordSet(
            NAME,
            "TXT",
            null,
            Routing.simple(),
            60L,
            List.of(DesiredState.ownershipValue("other")),
            null,
            null);
    Plan p =
        plan(
            desired(v4("eu1", "eu-west-1", "203.0.113.10")),
            new ActualState(List.of(theirs), List.of()));
    assertTrue(
        p.errors().get(0).contains("owned by metamirror fleet 'other'"), p.errors().toString());
  }

  @Test
  void recordsAndChecksItDoesNotOwnAreNeverTouched() {
    DesiredState d = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    ActualState a = appliedState(d);
    List<RecordSet> records = new ArrayList<>(a.records());
    records.add(
        new RecordSet(
            "www.example.test.",
            "A",
            null,
            Routing.simple(),
            300L,
            List.of("192.0.2.1"),
            null,
            null));
    records.add(
        new RecordSet(
            NAME,
            "MX",
            null,
            Routing.simple(),
            300L,
            List.of("10 mail.example.test."),
            null,
            null));
    List<ActualHealthCheck> checks = new ArrayList<>(a.healthChecks());
    HealthCheckSpec foreign =
        new HealthCheckSpec(
            "eu-west-1:x",
            "ref",
            "HTTPS",
            "192.0.2.2",
            443,
            "/",
            null,
            30,
            3,
            Map.of(
                "metamirror:owner",
                "other",
                "metamirror:region",
                "eu-west-1",
                "metamirror:node",
                "x"));
    checks.add(new ActualHealthCheck("foreign-hc", foreign));
    Plan p = plan(desired(), new ActualState(records, checks));
    assertTrue(
        p.recordChanges().stream().noneMatch(c -> c.record().name().equals("www.example.test.")));
    assertTrue(p.recordChanges().stream().noneMatch(c -> c.record().type().equals("MX")));
    assertEquals(
        List.of("hc-eu-west-1-eu1"),
        p.healthChecksLast().stream().map(HealthCheckChange::id).toList());
  }

  @Test
  void aSetIdentifierWithASlashIsRefused() {
    Plan p = plan(desired(v4("eu/1", "eu-west-1", "203.0.113.10")), ActualState.empty());
    assertTrue(
        p.errors().stream().anyMatch(e -> e.contains("SetIdentifier \"eu/1\"")),
        p.errors().toString());
    Plan tooLong =
        plan(desired(v4("x".repeat(129), "eu-west-1", "203.0.113.10")), ActualState.empty());
    assertTrue(tooLong.errors().stream().anyMatch(e -> e.contains("1-128 characters")));
  }

  @Test
  void twoLatencyRecordsForOneRegionAreRefused() {
    RecordSet a =
        new RecordSet(
            NAME, "A", "one", Routing.latency("eu-west-1"), 60L, List.of("192.0.2.1"), null, null);
    RecordSet b =
        new RecordSet(
            NAME, "A", "two", Routing.latency("eu-west-1"), 60L, List.of("192.0.2.2"), null, null);
    DesiredState d = new DesiredState(OWNER, ZONE, NAME, List.of(a, b), List.of());
    assertTrue(
        plan(d, ActualState.empty()).errors().stream()
            .anyMatch(e -> e.contains("two latency records for region eu-west-1")));
  }

  @Test
  void ttlOutsideRoute53BoundsAndMixedPoliciesAreRefused() {
    RecordSet a =
        new RecordSet(
            NAME, "A", "one", Routing.latency("eu-west-1"), -1L, List.of("192.0.2.1"), null, null);
    RecordSet b =
        new RecordSet(
            NAME,
            "A",
            "two",
            Routing.weighted(1),
            3_000_000_000L,
            List.of("192.0.2.2"),
            null,
            null);
    List<String> errors =
        plan(new DesiredState(OWNER, ZONE, NAME, List.of(a, b), List.of()), ActualState.empty())
            .errors();
    assertTrue(errors.stream().anyMatch(e -> e.startsWith("TTL -1")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.startsWith("TTL 3000000000")), errors.toString());
    assertTrue(
        errors.stream().anyMatch(e -> e.contains("mixes routing policies")), errors.toString());
  }

  @Test
  void batchesKeepNamesWholeAndStayWithinTheLimitsCountingUpsertsTwice() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      nodes.add(
          v4(
              "n" + i,
              List.of("eu-west-1", "us-east-1", "ap-south-1", "sa-east-1").get(i % 4),
              "203.0.113." + i));
    }
    DesiredState d = DesiredState.of(OWNER, ZONE, NAME, 60, HealthCheckSettings.defaults(), nodes);
    Planner small = new Planner(new Planner.Limits(7, 10_000));
    Plan created = small.plan(d, ActualState.empty());
    assertEquals(List.of(), created.errors());
    for (ChangeBatch b : created.batches()) {
      assertTrue(b.values() <= 7, "values " + b.values());
      assertTrue(b.changes().stream().map(c -> c.record().name()).distinct().count() <= 2);
    }
    // each region name is 3 values (2 nodes + TXT): two fit in 7, three do not
    assertEquals(3, created.batches().size(), String.join("\n", created.describe()));

    DesiredState later =
        DesiredState.of(OWNER, ZONE, NAME, 30, HealthCheckSettings.defaults(), nodes);
    Plan upserts = small.plan(later, appliedState(d));
    for (ChangeBatch b : upserts.batches()) {
      assertEquals(b.changes().size() * 2, b.values(), "an UPSERT counts twice");
      assertTrue(b.values() <= 7);
    }
  }

  @Test
  void aNameTooBigForOneBatchIsAnError() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      nodes.add(v4("n" + i, "eu-west-1", "203.0.113." + i));
    }
    Plan p =
        new Planner(new Planner.Limits(4, 10_000))
            .plan(
                DesiredState.of(OWNER, ZONE, NAME, 60, HealthCheckSettings.defaults(), nodes),
                ActualState.empty());
    assertTrue(
        p.errors().stream()
            .anyMatch(
                e -> e.contains("eu-west-1.repo.example.test.") && e.contains("cannot be split")),
        p.errors().toString());
  }

  @Test
  void aRegionSwitchingFromIpv4ToIpv6AtOnceIsRefusedWithAWayOut() {
    DesiredState before = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    Plan p = plan(desired(new Node("eu1", "eu-west-1", null, "2001:db8::1")), appliedState(before));
    assertTrue(
        p.errors().stream().anyMatch(e -> e.contains("add the new addresses first")),
        p.errors().toString());
  }

  @Test
  void aTwinHealthCheckLeftByARetriedCreateIsDeletedAndTheUsedOneKept() {
    DesiredState d = desired(v4("eu1", "eu-west-1", "203.0.113.10"));
    ActualState a = appliedState(d);
    List<ActualHealthCheck> checks = new ArrayList<>(a.healthChecks());
    checks.add(new ActualHealthCheck("hc-aaa-twin", d.healthChecks().get(0)));
    Plan p = plan(d, new ActualState(a.records(), checks));
    assertEquals(List.of(), p.recordChanges());
    assertEquals(
        List.of("hc-aaa-twin"), p.healthChecksLast().stream().map(HealthCheckChange::id).toList());
  }

  @Test
  void callerReferencesAreDeterministicAndChangeWithTheSettings() {
    String a =
        desired(v4("eu1", "eu-west-1", "203.0.113.10")).healthChecks().get(0).callerReference();
    String b =
        desired(v4("eu1", "eu-west-1", "203.0.113.10")).healthChecks().get(0).callerReference();
    String c =
        desired(v4("eu1", "eu-west-1", "203.0.113.11")).healthChecks().get(0).callerReference();
    assertEquals(a, b);
    assertFalse(a.equals(c));
    assertTrue(a.length() <= 64);
  }
}
