package io.metamirror.dns.plan;

import io.metamirror.dns.plan.HealthCheckChange.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The planner's health-check step: which of the fleet's checks to create, update and delete. Checks
 * are matched to desired ones by key; one whose type or interval changed is replaced (a create now,
 * a delete after the records), any other difference is an update in place. Checks of another owner
 * are never looked at.
 *
 * @param first creates and updates, sorted by key: they run before any record batch
 * @param last deletes, sorted by id: they run after every record batch
 * @param keptIds the Route53 id of every check kept as it is (or updated), by key
 * @param keyById the key of every owned check found, by Route53 id
 * @param replacedKeys keys whose check is replaced, so records using the old one must change
 */
record HealthCheckPlan(
    List<HealthCheckChange> first,
    List<HealthCheckChange> last,
    Map<String, String> keptIds,
    Map<String, String> keyById,
    Set<String> replacedKeys) {

  /**
   * @param idsInUse the checks the fleet's records use: where a key has twins (a retried create on
   *     the emulator can leave one), the one in use is kept
   */
  static HealthCheckPlan decide(
      DesiredState desired, List<ActualHealthCheck> actual, Set<String> idsInUse) {
    Map<String, String> keyById = new HashMap<>();
    Map<String, List<ActualHealthCheck>> foundByKey = new TreeMap<>();
    List<ActualHealthCheck> unkeyed = new ArrayList<>();
    for (ActualHealthCheck c : actual) {
      if (!desired.owner().equals(c.spec().tags().get(HealthCheckSpec.TAG_OWNER))) {
        continue; // not ours: never touched
      }
      if (c.spec().key() == null) {
        unkeyed.add(c);
      } else {
        keyById.put(c.id(), c.spec().key());
        foundByKey.computeIfAbsent(c.spec().key(), k -> new ArrayList<>()).add(c);
      }
    }
    List<HealthCheckChange> first = new ArrayList<>();
    List<HealthCheckChange> last = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    Map<String, String> keptIds = new TreeMap<>();
    Map<String, HealthCheckSpec> wanted = new TreeMap<>();
    desired.healthChecks().forEach(c -> wanted.put(c.key(), c));
    for (HealthCheckSpec want : wanted.values()) {
      List<ActualHealthCheck> found =
          new ArrayList<>(foundByKey.getOrDefault(want.key(), List.of()));
      if (found.isEmpty()) {
        first.add(create(want));
        continue;
      }
      found.sort(
          Comparator.comparing((ActualHealthCheck c) -> !idsInUse.contains(c.id()))
              .thenComparing(ActualHealthCheck::id));
      ActualHealthCheck keep = found.get(0);
      found.subList(1, found.size()).forEach(twin -> last.add(delete(twin)));
      if (!keep.spec().sameImmutableSettings(want)) {
        replaced.add(want.key());
        first.add(create(want));
        last.add(delete(keep));
        continue;
      }
      keptIds.put(want.key(), keep.id());
      if (!keep.spec().sameMutableSettings(want)) {
        first.add(new HealthCheckChange(Action.UPDATE, keep.id(), want, keep.spec()));
      }
    }
    foundByKey.forEach(
        (key, found) -> {
          if (!wanted.containsKey(key)) {
            found.forEach(c -> last.add(delete(c)));
          }
        });
    unkeyed.forEach(c -> last.add(delete(c)));
    first.sort(Comparator.comparing(c -> c.spec().key()));
    last.sort(Comparator.comparing(HealthCheckChange::id));
    return new HealthCheckPlan(first, last, keptIds, keyById, replaced);
  }

  /**
   * True when a record found in Route53, using the check {@code actualRef}, already uses the check
   * the fleet keeps for {@code wantedKey}.
   */
  boolean alreadyUses(String actualRef, String wantedKey) {
    return wantedKey.equals(keyById.get(Planner.healthCheckId(actualRef)))
        && !replacedKeys.contains(wantedKey);
  }

  private static HealthCheckChange create(HealthCheckSpec want) {
    return new HealthCheckChange(Action.CREATE, null, want, null);
  }

  private static HealthCheckChange delete(ActualHealthCheck found) {
    return new HealthCheckChange(Action.DELETE, found.id(), null, found.spec());
  }
}
