package io.metamirror.dns.plan;

import java.util.List;

/**
 * What Route53 holds: every record of the zone (the planner decides what is owned) and every health
 * check tagged with this fleet's owner.
 */
public record ActualState(List<RecordSet> records, List<ActualHealthCheck> healthChecks) {
  public ActualState {
    records = List.copyOf(records);
    healthChecks = List.copyOf(healthChecks);
  }

  public static ActualState empty() {
    return new ActualState(List.of(), List.of());
  }
}
