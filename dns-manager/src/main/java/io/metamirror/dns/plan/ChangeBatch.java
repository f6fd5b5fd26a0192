package io.metamirror.dns.plan;

import java.util.List;

/**
 * One ChangeResourceRecordSets call: whole names only, within Route53's limits. {@code values} and
 * {@code chars} are the batch's cost as Route53 counts it (an UPSERT twice).
 */
public record ChangeBatch(List<RecordChange> changes, int values, int chars) {
  public ChangeBatch {
    changes = List.copyOf(changes);
  }
}
