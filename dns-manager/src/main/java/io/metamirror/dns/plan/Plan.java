package io.metamirror.dns.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * What to do, in order: {@code healthChecksFirst} (creates and updates, before any record uses
 * them), then the record {@code batches} in order, then {@code healthChecksLast} (deletes, once no
 * record uses them). A plan with {@code errors} has no changes and must not be applied.
 *
 * @param healthCheckIds the Route53 id of every kept health check by key, so the gateway can
 *     resolve records' keys; created checks get theirs when they are created
 */
public record Plan(
    List<HealthCheckChange> healthChecksFirst,
    List<ChangeBatch> batches,
    List<HealthCheckChange> healthChecksLast,
    List<String> errors,
    java.util.Map<String, String> healthCheckIds) {
  public Plan {
    healthChecksFirst = List.copyOf(healthChecksFirst);
    batches = List.copyOf(batches);
    healthChecksLast = List.copyOf(healthChecksLast);
    errors = List.copyOf(errors);
    healthCheckIds = java.util.Map.copyOf(healthCheckIds);
  }

  static Plan refused(List<String> errors) {
    return new Plan(List.of(), List.of(), List.of(), errors, java.util.Map.of());
  }

  /** True when Route53 already matches: nothing to write. */
  public boolean isEmpty() {
    return errors.isEmpty()
        && healthChecksFirst.isEmpty()
        && batches.isEmpty()
        && healthChecksLast.isEmpty();
  }

  public List<RecordChange> recordChanges() {
    return batches.stream().flatMap(b -> b.changes().stream()).toList();
  }

  public int changeCount() {
    return healthChecksFirst.size() + recordChanges().size() + healthChecksLast.size();
  }

  /** The plan for people: one line per change, batches numbered. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (String e : errors) {
      lines.add("error: " + e);
    }
    if (!errors.isEmpty()) {
      return lines;
    }
    if (isEmpty()) {
      lines.add("no changes: Route53 matches the fleet");
      return lines;
    }
    healthChecksFirst.forEach(c -> lines.add(c.toString()));
    for (int i = 0; i < batches.size(); i++) {
      ChangeBatch b = batches.get(i);
      lines.add(
          "batch "
              + (i + 1)
              + "/"
              + batches.size()
              + " ("
              + b.changes().size()
              + " changes, "
              + b.values()
              + " values, "
              + b.chars()
              + " characters):");
      b.changes().forEach(c -> lines.add("  " + c));
    }
    healthChecksLast.forEach(c -> lines.add(c.toString()));
    return lines;
  }
}
