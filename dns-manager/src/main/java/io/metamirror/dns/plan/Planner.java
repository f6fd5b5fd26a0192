package io.metamirror.dns.plan;

import io.metamirror.dns.plan.RecordChange.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code plan(desired, actual)}: the pure heart of the DNS manager. No AWS here; the gateway reads
 * {@link ActualState} and applies the {@link Plan}.
 *
 * <p><b>Ownership.</b> A name is owned when it has a TXT record whose values include {@link
 * DesiredState#ownershipValue}. At an owned name, the A, AAAA and TXT records are this fleet's;
 * every other record in the zone is left alone. An A, AAAA, TXT or CNAME record at a name the fleet
 * wants but does not own is a conflict: the plan is refused with an error naming it, and nothing
 * changes. Health checks are owned through their {@code metamirror:owner} tag.
 *
 * <p><b>Changes.</b> A record missing from Route53 is a CREATE; one no longer wanted a DELETE of
 * its exact current values; a changed routing policy, latency region or alias-ness a DELETE plus a
 * CREATE (Route53 refuses such an UPSERT); any other difference an UPSERT. A health check whose
 * type or interval changed is replaced (create, re-point the records, delete); other settings are
 * updated in place.
 *
 * <p><b>Order.</b> Health-check creates and updates come before every record batch, deletes after
 * all of them. Record changes are grouped by name (a name is never split across batches) and
 * ranked: names that only gain or change targets first, then the names holding latency aliases,
 * then names that lose every record of a type (whose aliases are gone by then). Ranks never share a
 * batch.
 *
 * <p><b>Validation</b> of what Route53 would reject even where the emulator accepts it:
 * SetIdentifier length and {@code /}, one latency record per region per name and type, TTL bounds,
 * one routing policy per name and type, alias targets that exist, batch limits.
 */
public final class Planner {
  /** Route53's limits per ChangeResourceRecordSets call; an UPSERT counts twice. */
  public record Limits(int maxValues, int maxChars) {
    public static final Limits ROUTE53 = new Limits(1000, 32000);

    public Limits {
      if (maxValues <= 0 || maxChars <= 0) {
        throw new IllegalArgumentException("limits <= 0: " + maxValues + ", " + maxChars);
      }
    }
  }

  private static final Set<String> MANAGED_TYPES = Set.of("A", "AAAA", "TXT");
  private static final Set<String> CONFLICTING_TYPES = Set.of("A", "AAAA", "TXT", "CNAME");
  static final String ID_PREFIX = "id:";
  // Within a name's batch a DELETE precedes the CREATE that replaces it.
  private static final List<Action> ACTION_ORDER =
      List.of(Action.DELETE, Action.CREATE, Action.UPSERT);

  private final Limits limits;

  public Planner() {
    this(Limits.ROUTE53);
  }

  public Planner(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public Plan plan(DesiredState desired, ActualState actual) {
    List<String> errors = new ArrayList<>(validate(desired));
    String marker = DesiredState.ownershipValue(desired.owner());

    Map<String, List<RecordSet>> actualByName = new TreeMap<>();
    for (RecordSet r : actual.records()) {
      actualByName.computeIfAbsent(r.name(), n -> new ArrayList<>()).add(r);
    }
    Set<String> owned = new TreeSet<>();
    actualByName.forEach(
        (name, records) -> {
          if (records.stream()
              .anyMatch(r -> r.type().equals("TXT") && r.values().contains(marker))) {
            owned.add(name);
          }
        });
    Set<String> wantedNames = new TreeSet<>();
    desired.records().forEach(r -> wantedNames.add(r.name()));
    for (String name : wantedNames) {
      if (owned.contains(name)) {
        continue;
      }
      for (RecordSet r : actualByName.getOrDefault(name, List.of())) {
        if (CONFLICTING_TYPES.contains(r.type())) {
          errors.add(
              "conflict: "
                  + r.key()
                  + " exists and is not owned by fleet '"
                  + desired.owner()
                  + "' ("
                  + ownerOf(actualByName.get(name))
                  + "); metamirror changes nothing until it is removed or the fleet's name changes");
        }
      }
    }
    if (!errors.isEmpty()) {
      return Plan.refused(errors);
    }

    // Health checks.
    Map<String, String> idToKey = new HashMap<>();
    Map<String, List<ActualHealthCheck>> checksByKey = new TreeMap<>();
    List<ActualHealthCheck> unkeyed = new ArrayList<>();
    for (ActualHealthCheck c : actual.healthChecks()) {
      if (!desired.owner().equals(c.spec().tags().get(HealthCheckSpec.TAG_OWNER))) {
        continue; // not ours: never touched
      }
      if (c.spec().key() == null) {
        unkeyed.add(c);
      } else {
        idToKey.put(c.id(), c.spec().key());
        checksByKey.computeIfAbsent(c.spec().key(), k -> new ArrayList<>()).add(c);
      }
    }
    List<RecordSet> ownedRecords = new ArrayList<>();
    Set<String> referencedIds = new HashSet<>();
    for (String name : owned) {
      for (RecordSet r : actualByName.get(name)) {
        if (MANAGED_TYPES.contains(r.type())) {
          ownedRecords.add(r);
          if (r.healthCheck() != null) {
            referencedIds.add(stripId(r.healthCheck()));
          }
        }
      }
    }
    List<HealthCheckChange> first = new ArrayList<>();
    List<HealthCheckChange> last = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    Map<String, String> keptIds = new TreeMap<>();
    Map<String, HealthCheckSpec> wantedChecks = new TreeMap<>();
    desired.healthChecks().forEach(c -> wantedChecks.put(c.key(), c));
    for (HealthCheckSpec want : wantedChecks.values()) {
      List<ActualHealthCheck> found =
          new ArrayList<>(checksByKey.getOrDefault(want.key(), List.of()));
      if (found.isEmpty()) {
        first.add(new HealthCheckChange(HealthCheckChange.Action.CREATE, null, want, null));
        continue;
      }
      // Keep the one records use (a retried create on the emulator can leave a twin).
      found.sort(
          Comparator.comparing((ActualHealthCheck c) -> !referencedIds.contains(c.id()))
              .thenComparing(ActualHealthCheck::id));
      ActualHealthCheck keep = found.get(0);
      for (ActualHealthCheck extra : found.subList(1, found.size())) {
        last.add(
            new HealthCheckChange(HealthCheckChange.Action.DELETE, extra.id(), null, extra.spec()));
      }
      if (!keep.spec().sameImmutableSettings(want)) {
        replaced.add(want.key());
        first.add(new HealthCheckChange(HealthCheckChange.Action.CREATE, null, want, null));
        last.add(
            new HealthCheckChange(HealthCheckChange.Action.DELETE, keep.id(), null, keep.spec()));
        continue;
      }
      keptIds.put(want.key(), keep.id());
      if (!keep.spec().sameMutableSettings(want)) {
        first.add(
            new HealthCheckChange(HealthCheckChange.Action.UPDATE, keep.id(), want, keep.spec()));
      }
    }
    checksByKey.forEach(
        (key, found) -> {
          if (!wantedChecks.containsKey(key)) {
            found.forEach(
                c ->
                    last.add(
                        new HealthCheckChange(
                            HealthCheckChange.Action.DELETE, c.id(), null, c.spec())));
          }
        });
    unkeyed.forEach(
        c ->
            last.add(
                new HealthCheckChange(HealthCheckChange.Action.DELETE, c.id(), null, c.spec())));

    // Records, per name.
    Map<RecordKey, RecordSet> want = new LinkedHashMap<>();
    desired.records().forEach(r -> want.put(r.key(), r));
    Map<RecordKey, RecordSet> have = new LinkedHashMap<>();
    ownedRecords.forEach(r -> have.put(r.key(), r));
    Map<String, List<RecordChange>> byName = new TreeMap<>();
    Set<RecordKey> keys = new TreeSet<>(Comparator.comparing(RecordKey::toString));
    keys.addAll(want.keySet());
    keys.addAll(have.keySet());
    for (RecordKey key : keys) {
      RecordSet w = want.get(key);
      RecordSet h = have.get(key);
      List<RecordChange> changes = byName.computeIfAbsent(key.name(), n -> new ArrayList<>());
      if (h == null) {
        changes.add(new RecordChange(Action.CREATE, w));
      } else if (w == null) {
        changes.add(new RecordChange(Action.DELETE, h));
      } else if (!sameRouting(w, h) || w.isAlias() != h.isAlias()) {
        changes.add(new RecordChange(Action.DELETE, h));
        changes.add(new RecordChange(Action.CREATE, w));
      } else if (!equivalent(w, h, idToKey, replaced)) {
        changes.add(new RecordChange(Action.UPSERT, w));
      }
    }
    byName.values().removeIf(List::isEmpty);

    // Rank names: targets in, aliases, targets out.
    Map<String, Set<String>> aliasTargets = new HashMap<>(); // target name → types aliased
    for (RecordSet r : desired.records()) {
      if (r.isAlias()) {
        aliasTargets.computeIfAbsent(r.alias().dnsName(), n -> new HashSet<>()).add(r.type());
      }
    }
    Map<String, Integer> rank = new HashMap<>();
    for (Map.Entry<String, List<RecordChange>> e : byName.entrySet()) {
      String name = e.getKey();
      boolean holdsAliases =
          e.getValue().stream().anyMatch(c -> c.record().isAlias())
              || want.values().stream().anyMatch(r -> r.name().equals(name) && r.isAlias());
      Set<String> haveTypes = typesAt(have.values(), name);
      Set<String> wantTypes = typesAt(want.values(), name);
      Set<String> emptied = new TreeSet<>(haveTypes);
      emptied.removeAll(wantTypes);
      int r = holdsAliases ? 1 : emptied.isEmpty() ? 0 : 2;
      if (r == 2) {
        for (String type : wantTypes) {
          if (!haveTypes.contains(type)
              && aliasTargets.getOrDefault(name, Set.of()).contains(type)) {
            errors.add(
                name
                    + " would gain "
                    + type
                    + " records while losing all of its "
                    + String.join("/", emptied)
                    + " records in one plan; Route53 needs new alias targets before the aliases"
                    + " and old aliases gone before their targets, so add the new addresses"
                    + " first, apply, then remove the old ones");
          }
        }
      }
      rank.put(name, r);
      e.getValue()
          .sort(
              Comparator.comparing((RecordChange c) -> ACTION_ORDER.indexOf(c.action()))
                  .thenComparing(c -> c.record().key().toString()));
    }

    // Batches: whole names, within the limits, never mixing ranks.
    List<String> names = new ArrayList<>(byName.keySet());
    names.sort(Comparator.comparing((String n) -> rank.get(n)).thenComparing(n -> n));
    List<ChangeBatch> batches = new ArrayList<>();
    List<RecordChange> current = new ArrayList<>();
    int values = 0;
    int chars = 0;
    int currentRank = -1;
    for (String name : names) {
      List<RecordChange> group = byName.get(name);
      int v = group.stream().mapToInt(c -> c.weight() * c.record().valueCount()).sum();
      int ch = group.stream().mapToInt(c -> c.weight() * c.record().valueChars()).sum();
      if (v > limits.maxValues() || ch > limits.maxChars()) {
        errors.add(
            "the changes to "
                + name
                + " count "
                + v
                + " values and "
                + ch
                + " characters, more than one Route53 batch takes ("
                + limits.maxValues()
                + " / "
                + limits.maxChars()
                + "), and one name cannot be split; apply in smaller steps");
        continue;
      }
      if (!current.isEmpty()
          && (rank.get(name) != currentRank
              || values + v > limits.maxValues()
              || chars + ch > limits.maxChars())) {
        batches.add(new ChangeBatch(current, values, chars));
        current = new ArrayList<>();
        values = 0;
        chars = 0;
      }
      current.addAll(group);
      values += v;
      chars += ch;
      currentRank = rank.get(name);
    }
    if (!current.isEmpty()) {
      batches.add(new ChangeBatch(current, values, chars));
    }
    if (!errors.isEmpty()) {
      return Plan.refused(errors);
    }
    first.sort(Comparator.comparing(c -> c.spec().key()));
    last.sort(Comparator.comparing(HealthCheckChange::id));
    return new Plan(first, batches, last, List.of(), keptIds);
  }

  /** Problems Route53 would reject in the desired state itself. */
  static List<String> validate(DesiredState desired) {
    List<String> errors = new ArrayList<>();
    Set<RecordKey> seen = new HashSet<>();
    Map<String, List<RecordSet>> byNameType = new TreeMap<>();
    Set<String> namesAndTypes = new HashSet<>();
    for (RecordSet r : desired.records()) {
      if (!seen.add(r.key())) {
        errors.add("duplicate record " + r.key());
      }
      String id = r.setIdentifier();
      if (id != null && (id.isEmpty() || id.length() > 128 || id.contains("/"))) {
        errors.add(
            "SetIdentifier \""
                + id
                + "\" of "
                + r.name()
                + " "
                + r.type()
                + ": Route53 takes 1-128 characters, and never '/' (the SDK cuts ids at it)");
      }
      if (r.ttl() != null && (r.ttl() < 0 || r.ttl() > 2147483647L)) {
        errors.add("TTL " + r.ttl() + " of " + r.key() + " is outside 0..2147483647");
      }
      if (r.alias() == null && r.ttl() == null) {
        errors.add(r.key() + " has no TTL");
      }
      byNameType.computeIfAbsent(r.name() + " " + r.type(), k -> new ArrayList<>()).add(r);
      if (!r.isAlias()) {
        namesAndTypes.add(r.name() + " " + r.type());
      }
    }
    for (Map.Entry<String, List<RecordSet>> e : byNameType.entrySet()) {
      List<RecordSet> group = e.getValue();
      Set<Routing.Policy> policies = new TreeSet<>();
      group.forEach(r -> policies.add(r.routing().policy()));
      if (policies.size() > 1) {
        errors.add(e.getKey() + " mixes routing policies " + policies + "; Route53 refuses that");
      }
      if (group.size() > 1 && group.stream().anyMatch(r -> r.setIdentifier() == null)) {
        errors.add(e.getKey() + " has several records, but not all have a SetIdentifier");
      }
      Set<String> regions = new HashSet<>();
      for (RecordSet r : group) {
        if (r.routing().policy() == Routing.Policy.LATENCY && !regions.add(r.routing().region())) {
          errors.add(
              e.getKey()
                  + " has two latency records for region "
                  + r.routing().region()
                  + "; Route53 allows one per name, type and region");
        }
      }
    }
    for (RecordSet r : desired.records()) {
      if (r.isAlias() && !namesAndTypes.contains(r.alias().dnsName() + " " + r.type())) {
        errors.add(
            "alias "
                + r.key()
                + " points to "
                + r.alias().dnsName()
                + " "
                + r.type()
                + ", which would not exist");
      }
    }
    Set<String> checkKeys = new HashSet<>();
    for (HealthCheckSpec c : desired.healthChecks()) {
      if (!checkKeys.add(c.key())) {
        errors.add("duplicate health check " + c.key());
      }
      if (c.tags().size() > 10) {
        errors.add("health check " + c.key() + " has " + c.tags().size() + " tags; at most 10");
      }
      if (c.requestInterval() != 10 && c.requestInterval() != 30) {
        errors.add("health check " + c.key() + ": interval must be 10 or 30");
      }
      if (c.failureThreshold() < 1 || c.failureThreshold() > 10) {
        errors.add("health check " + c.key() + ": failure threshold must be 1..10");
      }
      if (c.callerReference() == null
          || c.callerReference().isEmpty()
          || c.callerReference().length() > 64) {
        errors.add("health check " + c.key() + ": caller reference must be 1-64 characters");
      }
    }
    return errors;
  }

  private static String ownerOf(List<RecordSet> records) {
    for (RecordSet r : records) {
      if (r.type().equals("TXT")) {
        for (String v : r.values()) {
          int at = v.indexOf("metamirror/owner=");
          if (v.contains("heritage=metamirror") && at >= 0) {
            return "owned by metamirror fleet '"
                + v.substring(at + "metamirror/owner=".length()).replaceAll("[\",].*$", "")
                + "'";
          }
        }
      }
    }
    return "no ownership TXT record at that name";
  }

  private static Set<String> typesAt(Iterable<RecordSet> records, String name) {
    Set<String> types = new TreeSet<>();
    for (RecordSet r : records) {
      if (r.name().equals(name)) {
        types.add(r.type());
      }
    }
    return types;
  }

  private static boolean sameRouting(RecordSet w, RecordSet h) {
    return w.routing().policy() == h.routing().policy()
        && Objects.equals(w.routing().region(), h.routing().region());
  }

  private static boolean equivalent(
      RecordSet w, RecordSet h, Map<String, String> idToKey, Set<String> replaced) {
    if (!Objects.equals(w.ttl(), h.ttl())
        || !Objects.equals(w.routing().weight(), h.routing().weight())
        || !new TreeSet<>(w.values()).equals(new TreeSet<>(h.values()))
        || !Objects.equals(w.alias(), h.alias())) {
      return false;
    }
    if (w.healthCheck() == null || h.healthCheck() == null) {
      return w.healthCheck() == null && h.healthCheck() == null;
    }
    String actualKey = idToKey.get(stripId(h.healthCheck()));
    return w.healthCheck().equals(actualKey) && !replaced.contains(w.healthCheck());
  }

  private static String stripId(String ref) {
    return ref.startsWith(ID_PREFIX) ? ref.substring(ID_PREFIX.length()) : ref;
  }
}
