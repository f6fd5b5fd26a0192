package io.metamirror.dns.plan;

/**
 * Create, update or delete one owned health check. {@code id} is {@code null} for a create; {@code
 * previous} is the check as found, for an update or a delete.
 */
public record HealthCheckChange(
    Action action, String id, HealthCheckSpec spec, HealthCheckSpec previous) {
  public enum Action {
    CREATE,
    UPDATE,
    DELETE
  }

  @Override
  public String toString() {
    return switch (action) {
      case CREATE -> "+ health check " + spec;
      case UPDATE -> "~ health check " + id + " " + previous + " → " + spec;
      case DELETE -> "- health check " + id + " " + previous;
    };
  }
}
