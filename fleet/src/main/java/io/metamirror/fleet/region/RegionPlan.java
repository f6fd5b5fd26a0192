package io.metamirror.fleet.region;

import java.util.List;

/**
 * The steps left for a region operation.
 *
 * @param generation the generation the operation brings into DNS; 0 for {@code remove}
 * @param note why there is nothing (or nothing more) to do, or {@code null}
 * @param error why the operation cannot run in this state, or {@code null}; then no steps
 */
public record RegionPlan(
    Operation operation,
    String region,
    int generation,
    List<Step> steps,
    String note,
    String error) {
  public RegionPlan {
    steps = List.copyOf(steps);
  }

  static RegionPlan refused(Operation op, String region, String error) {
    return new RegionPlan(op, region, 0, List.of(), null, error);
  }

  static RegionPlan nothing(Operation op, String region, String note) {
    return new RegionPlan(op, region, 0, List.of(), note, null);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }
}
