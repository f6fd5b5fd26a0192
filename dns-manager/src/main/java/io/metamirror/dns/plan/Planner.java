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
 *
 * <p><b>Steps</b>, each a pure function of the ones before: {@link #validate}, {@link Ownership}
 * (owned names, conflicts), {@link HealthCheckPlan} (checks to create, update, delete), {@code
 * recordChangesByName}, {@code rankNames} with {@code aliasTargetsSwappedAtOnce}, {@code batch}.
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

  static final String ID_PREFIX = "id:";
  // Within a name's batch a DELETE precedes the CREATE that replaces it.
  private static final List<Action> ACTION_ORDER =
      List.of(Action.DELETE, Action.CREATE, Action.UPSERT);
  // Ranks of names; a batch never mixes two.
  private static final int TARGETS_IN = 0;
  private static final int ALIASES = 1;
  private static final int TARGETS_OUT = 2;

  private final Limits limits;

  public Planner() {
    this(Limits.ROUTE53);
  }

  public Planner(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public Plan plan(DesiredState desired, ActualState actual) {
    List<String> errors = new ArrayList<>(validate(desired));
    Ownership ownership = Ownership.of(desired.owner(), actual.records());
    errors.addAll(ownership.conflicts(desired));
    if (!errors.isEmpty()) {
      return Plan.refused(errors);
    }
    HealthCheckPlan checks =
        HealthCheckPlan.decide(desired, actual.healthChecks(), ownership.healthCheckIdsInUse());
    Map<RecordKey, RecordSet> want = byKey(desired.records());
    Map<RecordKey, RecordSet> have = byKey(ownership.records());
    Map<String, List<RecordChange>> byName = recordChangesByName(want, have, checks);
    Map<String, Integer> rank = rankNames(byName, want, have);
    errors.addAll(aliasTargetsSwappedAtOnce(rank, desired, want, have));
    Batches batches = batch(byName, rank);
    errors.addAll(batches.errors());
    if (!errors.isEmpty()) {
      return Plan.refused(errors);
    }
    return new Plan(checks.first(), batches.batches(), checks.last(), List.of(), checks.keptIds());
  }

  private static Map<RecordKey, RecordSet> byKey(List<RecordSet> records) {
    Map<RecordKey, RecordSet> byKey = new LinkedHashMap<>();
    records.forEach(r -> byKey.put(r.key(), r));
    return byKey;
  }

  /**
   * Each name's record changes, DELETEs first: a missing record is a CREATE, an unwanted one a
   * DELETE; a changed routing policy, latency region or alias-ness a DELETE plus a CREATE (Route53
   * refuses such an UPSERT); any other difference an UPSERT. Names without changes are left out.
   */
  private static Map<String, List<RecordChange>> recordChangesByName(
      Map<RecordKey, RecordSet> want, Map<RecordKey, RecordSet> have, HealthCheckPlan checks) {
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
      } else if (!equivalent(w, h, checks)) {
        changes.add(new RecordChange(Action.UPSERT, w));
      }
    }
    byName.values().removeIf(List::isEmpty);
    byName
        .values()
        .forEach(
            changes ->
                changes.sort(
                    Comparator.comparing((RecordChange c) -> ACTION_ORDER.indexOf(c.action()))
                        .thenComparing(c -> c.record().key().toString())));
    return byName;
  }

  /**
   * The rank of each changed name: names that only gain or change targets first ({@link
   * #TARGETS_IN}), then names holding latency aliases, then names that lose every record of a type
   * ({@link #TARGETS_OUT}), whose aliases are gone by then.
   */
  private static Map<String, Integer> rankNames(
      Map<String, List<RecordChange>> byName,
      Map<RecordKey, RecordSet> want,
      Map<RecordKey, RecordSet> have) {
    Map<String, Integer> rank = new TreeMap<>();
    byName.forEach(
        (name, changes) -> {
          boolean holdsAliases =
              changes.stream().anyMatch(c -> c.record().isAlias())
                  || want.values().stream().anyMatch(r -> r.name().equals(name) && r.isAlias());
          rank.put(
              name,
              holdsAliases
                  ? ALIASES
                  : emptiedTypes(name, want, have).isEmpty() ? TARGETS_IN : TARGETS_OUT);
        });
    return rank;
  }

  /**
   * A name ranked {@link #TARGETS_OUT} that also gains a type some alias points at cannot be
   * ordered: its new targets must come before the aliases and its old ones after them.
   */
  private static List<String> aliasTargetsSwappedAtOnce(
      Map<String, Integer> rank,
      DesiredState desired,
      Map<RecordKey, RecordSet> want,
      Map<RecordKey, RecordSet> have) {
    Map<String, Set<String>> aliasTargets = new HashMap<>(); // target name → types aliased
    for (RecordSet r : desired.records()) {
      if (r.isAlias()) {
        aliasTargets.computeIfAbsent(r.alias().dnsName(), n -> new HashSet<>()).add(r.type());
      }
    }
    List<String> errors = new ArrayList<>();
    rank.forEach(
        (name, r) -> {
          if (r != TARGETS_OUT) {
            return;
          }
          Set<String> haveTypes = typesAt(have.values(), name);
          for (String type : typesAt(want.values(), name)) {
            if (!haveTypes.contains(type)
                && aliasTargets.getOrDefault(name, Set.of()).contains(type)) {
              errors.add(
                  name
                      + " would gain "
                      + type
                      + " records while losing all of its "
                      + String.join("/", emptiedTypes(name, want, have))
                      + " records in one plan; Route53 needs new alias targets before the aliases"
                      + " and old aliases gone before their targets, so add the new addresses"
                      + " first, apply, then remove the old ones");
            }
          }
        });
    return errors;
  }

  /** Types the name has in Route53 and will have none of. */
  private static Set<String> emptiedTypes(
      String name, Map<RecordKey, RecordSet> want, Map<RecordKey, RecordSet> have) {
    Set<String> emptied = typesAt(have.values(), name);
    emptied.removeAll(typesAt(want.values(), name));
    return emptied;
  }

  /** Record batches, and the names too large for any batch. */
  private record Batches(List<ChangeBatch> batches, List<String> errors) {}

  /**
   * Whole names in rank order, then by name, packed into batches within the limits; a new rank
   * starts a new batch. A name whose changes alone exceed a batch is an error.
   */
  private Batches batch(Map<String, List<RecordChange>> byName, Map<String, Integer> rank) {
    List<String> names = new ArrayList<>(byName.keySet());
    names.sort(Comparator.comparing((String n) -> rank.get(n)).thenComparing(n -> n));
    List<ChangeBatch> batches = new ArrayList<>();
    List<String> errors = new ArrayList<>();
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
    return new Batches(batches, errors);
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

  private static boolean equivalent(RecordSet w, RecordSet h, HealthCheckPlan checks) {
    if (!Objects.equals(w.ttl(), h.ttl())
        || !Objects.equals(w.routing().weight(), h.routing().weight())
        || !new TreeSet<>(w.values()).equals(new TreeSet<>(h.values()))
        || !Objects.equals(w.alias(), h.alias())) {
      return false;
    }
    if (w.healthCheck() == null || h.healthCheck() == null) {
      return w.healthCheck() == null && h.healthCheck() == null;
    }
    return checks.alreadyUses(h.healthCheck(), w.healthCheck());
  }

  /** The Route53 id in a record's health-check reference ({@code id:<id>}). */
  static String healthCheckId(String ref) {
    return ref.startsWith(ID_PREFIX) ? ref.substring(ID_PREFIX.length()) : ref;
  }
}
