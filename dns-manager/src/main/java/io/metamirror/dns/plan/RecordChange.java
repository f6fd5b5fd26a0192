package io.metamirror.dns.plan;

/** One change of a batch. A DELETE carries the record exactly as Route53 holds it. */
public record RecordChange(Action action, RecordSet record) {
  public enum Action {
    CREATE,
    DELETE,
    UPSERT
  }

  /** Route53 counts an UPSERT twice against a batch's limits. */
  int weight() {
    return action == Action.UPSERT ? 2 : 1;
  }

  @Override
  public String toString() {
    return switch (action) {
          case CREATE -> "+ ";
          case DELETE -> "- ";
          case UPSERT -> "~ ";
        }
        + record;
  }
}
