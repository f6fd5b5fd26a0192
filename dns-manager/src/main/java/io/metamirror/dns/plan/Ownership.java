package io.metamirror.dns.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The planner's first step: which of the zone's records are the fleet's. A name is owned when one
 * of its TXT records holds {@link DesiredState#ownershipValue}; at an owned name the A, AAAA and
 * TXT records are the fleet's, and nothing else in the zone is.
 */
final class Ownership {
  private static final Set<String> MANAGED_TYPES = Set.of("A", "AAAA", "TXT");
  private static final Set<String> CONFLICTING_TYPES = Set.of("A", "AAAA", "TXT", "CNAME");

  private final Map<String, List<RecordSet>> actualByName;
  private final Set<String> ownedNames;

  private Ownership(Map<String, List<RecordSet>> actualByName, Set<String> ownedNames) {
    this.actualByName = actualByName;
    this.ownedNames = ownedNames;
  }

  static Ownership of(String owner, List<RecordSet> actual) {
    String marker = DesiredState.ownershipValue(owner);
    Map<String, List<RecordSet>> byName = new TreeMap<>();
    for (RecordSet r : actual) {
      byName.computeIfAbsent(r.name(), n -> new ArrayList<>()).add(r);
    }
    Set<String> owned = new TreeSet<>();
    byName.forEach(
        (name, records) -> {
          if (records.stream()
              .anyMatch(r -> r.type().equals("TXT") && r.values().contains(marker))) {
            owned.add(name);
          }
        });
    return new Ownership(byName, owned);
  }

  /**
   * Records the fleet would overwrite at names it wants but does not own, one error each: the plan
   * is refused rather than take over someone else's name.
   */
  List<String> conflicts(DesiredState desired) {
    List<String> errors = new ArrayList<>();
    Set<String> wantedNames = new TreeSet<>();
    desired.records().forEach(r -> wantedNames.add(r.name()));
    for (String name : wantedNames) {
      if (ownedNames.contains(name)) {
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
    return errors;
  }

  /** The fleet's records as Route53 holds them, by owned name. */
  List<RecordSet> records() {
    List<RecordSet> records = new ArrayList<>();
    for (String name : ownedNames) {
      for (RecordSet r : actualByName.get(name)) {
        if (MANAGED_TYPES.contains(r.type())) {
          records.add(r);
        }
      }
    }
    return records;
  }

  /** Route53 ids of the health checks the fleet's records use now. */
  Set<String> healthCheckIdsInUse() {
    Set<String> ids = new HashSet<>();
    for (RecordSet r : records()) {
      if (r.healthCheck() != null) {
        ids.add(Planner.healthCheckId(r.healthCheck()));
      }
    }
    return ids;
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
}
