package io.metamirror.dns.route53;

import io.metamirror.dns.plan.ChangeBatch;
import io.metamirror.dns.plan.RecordChange;
import io.metamirror.dns.plan.RecordKey;
import io.metamirror.dns.plan.RecordSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The gateway's record calls: list a zone, and send one change batch and wait until it is INSYNC
 * (polling every {@code pollEvery}, giving up after {@code inSyncBound}). Every call goes through
 * the {@link RetryingCaller}.
 */
final class RecordOperations {
  private final Route53Client client;
  private final RetryingCaller calls;
  private final Duration inSyncBound;
  private final Duration pollEvery;

  RecordOperations(
      Route53Client client, RetryingCaller calls, Duration inSyncBound, Duration pollEvery) {
    this.client = client;
    this.calls = calls;
    this.inSyncBound = inSyncBound;
    this.pollEvery = pollEvery;
  }

  /**
   * Pages through the zone by hand rather than with the SDK's paginator, to stop on a page that
   * brings nothing new: moto_server returns no NextRecordIdentifier, so past 300 records of one
   * name and type it serves the same page forever. Records are de-duplicated by key.
   */
  List<RecordSet> list(String zoneId) {
    Map<RecordKey, RecordSet> found = new LinkedHashMap<>();
    String name = null;
    String type = null;
    String identifier = null;
    while (true) {
      String n = name;
      String t = type;
      String i = identifier;
      ListResourceRecordSetsResponse page =
          calls.call(
              "ListResourceRecordSets",
              () ->
                  client.listResourceRecordSets(
                      r ->
                          r.hostedZoneId(zoneId)
                              .startRecordName(n)
                              .startRecordType(t)
                              .startRecordIdentifier(i)
                              .maxItems("300")));
      int added = 0;
      for (ResourceRecordSet r : page.resourceRecordSets()) {
        RecordSet set = SdkTranslation.fromSdk(r);
        if (found.putIfAbsent(set.key(), set) == null) {
          added++;
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return new ArrayList<>(found.values());
      }
      if (added == 0) {
        throw new IllegalStateException(
            "listing zone "
                + zoneId
                + " stopped advancing at "
                + page.nextRecordName()
                + " "
                + page.nextRecordTypeAsString()
                + ": the endpoint returns no NextRecordIdentifier past 300 records of one name"
                + " and type");
      }
      name = page.nextRecordName();
      type = page.nextRecordTypeAsString();
      identifier = page.nextRecordIdentifier();
    }
  }

  /**
   * Sends {@code batch} as one ChangeResourceRecordSets and waits until it is INSYNC.
   *
   * @param healthCheckIds Route53 ids by key, for records that name their check by key
   */
  void change(String zoneId, ChangeBatch batch, String label, Map<String, String> healthCheckIds) {
    List<Change> changes = new ArrayList<>();
    for (RecordChange c : batch.changes()) {
      changes.add(
          Change.builder()
              .action(ChangeAction.fromValue(c.action().name()))
              .resourceRecordSet(SdkTranslation.toSdk(c.record(), healthCheckIds))
              .build());
    }
    String changeId =
        calls
            .call(
                "ChangeResourceRecordSets",
                () ->
                    client.changeResourceRecordSets(
                        r ->
                            r.hostedZoneId(zoneId)
                                .changeBatch(
                                    b -> b.comment("metamirror " + label).changes(changes))))
            .changeInfo()
            .id();
    waitInSync(changeId, label);
  }

  private void waitInSync(String changeId, String label) {
    long deadline = System.nanoTime() + inSyncBound.toNanos();
    while (true) {
      ChangeStatus status =
          calls
              .call("GetChange", () -> client.getChange(r -> r.id(changeId)))
              .changeInfo()
              .status();
      if (status == ChangeStatus.INSYNC) {
        return;
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            label + " was sent but is not INSYNC after " + inSyncBound.toSeconds() + " s");
      }
      calls.sleep(pollEvery);
    }
  }
}
