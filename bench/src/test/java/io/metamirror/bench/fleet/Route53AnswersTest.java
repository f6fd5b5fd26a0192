package io.metamirror.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metamirror.bench.fleet.Route53Answers.Target;
import io.metamirror.bench.fleet.Route53Answers.Zone;
import io.metamirror.dns.plan.AliasTarget;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.plan.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The resolver simulation's answers, from records shaped as the DNS manager writes them (a latency
 * alias per region at the name, weighted records with a health check per node at {@code
 * <region>.<name>}) and read back from Route53 (checks named {@code id:<id>}).
 */
class Route53AnswersTest {
  static final String NAME = "repo.example.test.";

  /** Regions eu (nodes 10.0.0.1, .2) and us (10.0.1.1, .2); each node's check is hc-ADDRESS. */
  static List<RecordSet> twoRegions() {
    List<RecordSet> records = new ArrayList<>();
    for (String region : List.of("eu-west-1", "us-east-1")) {
      records.add(alias(region));
    }
    records.add(node("eu-west-1", "10.0.0.1", 1));
    records.add(node("eu-west-1", "10.0.0.2", 1));
    records.add(node("us-east-1", "10.0.1.1", 1));
    records.add(node("us-east-1", "10.0.1.2", 1));
    records.add(
        new RecordSet(NAME, "TXT", null, Routing.simple(), 300L, List.of("\"owner\""), null, null));
    return records;
  }

  static RecordSet alias(String region) {
    return new RecordSet(
        NAME,
        "A",
        region,
        Routing.latency(region),
        null,
        List.of(),
        new AliasTarget(region + "." + NAME, "Z1", true),
        null);
  }

  static RecordSet node(String region, String address, long weight) {
    return new RecordSet(
        region + "." + NAME,
        "A",
        "i-" + address,
        Routing.weighted(weight),
        0L,
        List.of(address),
        null,
        "id:hc-" + address);
  }

  static Set<String> answer(Zone zone, String clientRegion) {
    Set<String> out = new TreeSet<>();
    Route53Answers.answer(zone, NAME, clientRegion).forEach(t -> out.add(t.address()));
    return out;
  }

  static final Set<String> ALL_HEALTHY = Set.of("10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.1.2");

  @Test
  void aClientIsAnsweredWithItsOwnRegionsHealthyNodes() {
    Zone zone = new Zone(twoRegions(), Set.of(), ALL_HEALTHY);
    assertEquals(Set.of("10.0.0.1", "10.0.0.2"), answer(zone, "eu-west-1"));
    assertEquals(Set.of("10.0.1.1", "10.0.1.2"), answer(zone, "us-east-1"));
  }

  @Test
  void aNodeWhoseHealthIsNot200IsLeftOut() {
    Zone zone = new Zone(twoRegions(), Set.of(), Set.of("10.0.0.2", "10.0.1.1", "10.0.1.2"));
    assertEquals(Set.of("10.0.0.2"), answer(zone, "eu-west-1"));
  }

  @Test
  void aRegionWithNoHealthyNodeSendsItsClientsToAnotherRegion() {
    Zone zone = new Zone(twoRegions(), Set.of(), Set.of("10.0.1.1", "10.0.1.2"));
    assertEquals(Set.of("10.0.1.1", "10.0.1.2"), answer(zone, "eu-west-1"));
  }

  @Test
  void aRemovedRegionsClientsGoToARegionThatIsLeft() {
    List<RecordSet> records = new ArrayList<>(twoRegions());
    records.removeIf(
        r -> r.name().startsWith("us-east-1.") || "us-east-1".equals(r.setIdentifier()));
    Zone zone = new Zone(records, Set.of(), ALL_HEALTHY);
    assertEquals(Set.of("10.0.0.1", "10.0.0.2"), answer(zone, "us-east-1"));
  }

  @Test
  void anAliasWhoseRegionHasNoRecordsYetIsSkipped() {
    List<RecordSet> records = new ArrayList<>(twoRegions());
    records.removeIf(r -> r.name().startsWith("us-east-1."));
    Zone zone = new Zone(records, Set.of(), ALL_HEALTHY);
    assertEquals(Set.of("10.0.0.1", "10.0.0.2"), answer(zone, "us-east-1"));
  }

  @Test
  void invertedChecksTakeAHealthyRegionOutAndTheClientsMove() {
    Zone drill = new Zone(twoRegions(), Set.of("hc-10.0.0.1", "hc-10.0.0.2"), ALL_HEALTHY);
    assertEquals(Set.of("10.0.1.1", "10.0.1.2"), answer(drill, "eu-west-1"));
    Zone oneInverted = new Zone(twoRegions(), Set.of("hc-10.0.0.1"), ALL_HEALTHY);
    assertEquals(Set.of("10.0.0.2"), answer(oneInverted, "eu-west-1"));
  }

  @Test
  void whenNoTargetIsHealthyAllOfTheClientsRegionAreAnswered() {
    Zone zone = new Zone(twoRegions(), Set.of(), Set.of());
    assertEquals(Set.of("10.0.0.1", "10.0.0.2"), answer(zone, "eu-west-1"));
  }

  @Test
  void aNameWithoutRecordsHasNoAnswer() {
    Zone zone = new Zone(List.of(), Set.of(), ALL_HEALTHY);
    assertEquals(Set.of(), answer(zone, "eu-west-1"));
    assertNull(Route53Answers.pick(List.of(), new SplittableRandom(1)));
  }

  @Test
  void aPickFollowsTheWeightsAndAZeroWeightIsNeverPicked() {
    List<Target> answer = List.of(new Target("10.0.0.1", 0), new Target("10.0.0.2", 3));
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100; i++) {
      assertEquals("10.0.0.2", Route53Answers.pick(answer, random));
    }
    Set<String> seen = new TreeSet<>();
    List<Target> even = List.of(new Target("10.0.0.1", 1), new Target("10.0.0.2", 1));
    for (int i = 0; i < 100; i++) {
      seen.add(Route53Answers.pick(even, random));
    }
    assertEquals(Set.of("10.0.0.1", "10.0.0.2"), seen);
  }
}
