package io.metamirror.dns.route53;

import io.metamirror.dns.plan.ActualHealthCheck;
import io.metamirror.dns.plan.ActualState;
import io.metamirror.dns.plan.AliasTarget;
import io.metamirror.dns.plan.ChangeBatch;
import io.metamirror.dns.plan.HealthCheckChange;
import io.metamirror.dns.plan.HealthCheckSpec;
import io.metamirror.dns.plan.Plan;
import io.metamirror.dns.plan.RecordChange;
import io.metamirror.dns.plan.RecordKey;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.plan.Routing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget.Builder;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.HealthCheck;
import software.amazon.awssdk.services.route53.model.HealthCheckConfig;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.NoSuchHealthCheckException;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceTagSet;
import software.amazon.awssdk.services.route53.model.Tag;
import software.amazon.awssdk.services.route53.model.TagResourceType;

/**
 * The one class that talks to Route53. It reads {@link ActualState} and applies a {@link Plan}:
 * health-check creates and updates, then the record batches in order (each waited on until INSYNC,
 * within a bound), then health-check deletes. A failed batch is reported and the following ones are
 * still sent; health checks are then not deleted, since a record that failed to change may still
 * use them.
 *
 * <p>Every call is retried on {@code Throttling} and {@code PriorRequestNotComplete} (and on 5xx
 * and I/O errors) with exponential backoff and full jitter; the SDK's own retries are off so this
 * is the only policy. The {@link Sleeper} and {@link Random} are injected so tests do not wait.
 * Zone lookups are cached.
 */
public final class Route53Gateway {
  /** Waits between retries and polls; tests pass one that does not sleep. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
  }

  /** Attempts per call and the backoff's base and cap. */
  public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {
    public static final RetryPolicy DEFAULT =
        new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(20));

    public RetryPolicy {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
      }
    }
  }

  /** What an apply did: one line per change made, and one per failure. */
  public record ApplyReport(List<String> applied, List<String> failures) {
    public boolean ok() {
      return failures.isEmpty();
    }
  }

  private final Route53Client client;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Random random;
  private final Duration inSyncBound;
  private final Duration pollEvery;
  private final Map<String, String> zoneIds = new ConcurrentHashMap<>();

  public Route53Gateway(Route53Client client) {
    this(
        client,
        RetryPolicy.DEFAULT,
        Sleeper.REAL,
        new Random(),
        Duration.ofMinutes(3),
        Duration.ofSeconds(5));
  }

  public Route53Gateway(
      Route53Client client,
      RetryPolicy retry,
      Sleeper sleeper,
      Random random,
      Duration inSyncBound,
      Duration pollEvery) {
    this.client = Objects.requireNonNull(client, "client");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
    this.inSyncBound = inSyncBound;
    this.pollEvery = pollEvery;
  }

  /**
   * The hosted zone's id from its id or name (either may be {@code null}, not both); with both,
   * they must agree.
   */
  public String zoneId(String zoneName, String zoneId) {
    String cacheKey = zoneName + "|" + zoneId;
    String cached = zoneIds.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    String found;
    if (zoneId != null) {
      HostedZone zone =
          call("GetHostedZone", () -> client.getHostedZone(r -> r.id(zoneId))).hostedZone();
      if (zoneName != null && !normalize(zone.name()).equals(zoneName)) {
        throw new IllegalArgumentException(
            "hosted zone " + zoneId + " is " + zone.name() + ", not " + zoneName);
      }
      found = stripPrefix(zone.id());
    } else {
      List<HostedZone> zones =
          call(
                  "ListHostedZonesByName",
                  () -> client.listHostedZonesByName(r -> r.dnsName(zoneName).maxItems("10")))
              .hostedZones()
              .stream()
              .filter(z -> normalize(z.name()).equals(zoneName))
              .toList();
      if (zones.isEmpty()) {
        throw new IllegalArgumentException("no hosted zone named " + zoneName);
      }
      if (zones.size() > 1) {
        throw new IllegalArgumentException(
            zones.size()
                + " hosted zones are named "
                + zoneName
                + "; give zoneId in the fleet file");
      }
      found = stripPrefix(zones.get(0).id());
    }
    zoneIds.put(cacheKey, found);
    return found;
  }

  /** Every record of the zone, and every health check tagged {@code metamirror:owner=owner}. */
  public ActualState read(String zoneId, String owner) {
    List<RecordSet> records = listRecords(zoneId);
    List<HealthCheck> all = new ArrayList<>();
    call(
        "ListHealthChecks",
        () -> {
          all.clear();
          client.listHealthChecksPaginator(r -> r.maxItems("100")).healthChecks().forEach(all::add);
          return null;
        });
    Map<String, Map<String, String>> tags = new HashMap<>();
    for (int i = 0; i < all.size(); i += 10) {
      List<String> ids =
          all.subList(i, Math.min(all.size(), i + 10)).stream().map(HealthCheck::id).toList();
      for (ResourceTagSet set :
          call(
                  "ListTagsForResources",
                  () ->
                      client.listTagsForResources(
                          r -> r.resourceType(TagResourceType.HEALTHCHECK).resourceIds(ids)))
              .resourceTagSets()) {
        Map<String, String> m = new HashMap<>();
        set.tags().forEach(t -> m.put(t.key(), t.value()));
        tags.put(set.resourceId(), m);
      }
    }
    List<ActualHealthCheck> owned = new ArrayList<>();
    for (HealthCheck h : all) {
      Map<String, String> t = tags.getOrDefault(h.id(), Map.of());
      if (owner.equals(t.get(HealthCheckSpec.TAG_OWNER))) {
        owned.add(new ActualHealthCheck(h.id(), fromSdk(h, t)));
      }
    }
    return new ActualState(records, owned);
  }

  /**
   * Pages through the zone by hand rather than with the SDK's paginator, to stop on a page that
   * brings nothing new: moto_server returns no NextRecordIdentifier, so past 300 records of one
   * name and type it serves the same page forever. Records are de-duplicated by key.
   */
  private List<RecordSet> listRecords(String zoneId) {
    Map<RecordKey, RecordSet> found = new LinkedHashMap<>();
    String name = null;
    String type = null;
    String identifier = null;
    while (true) {
      String n = name;
      String t = type;
      String i = identifier;
      ListResourceRecordSetsResponse page =
          call(
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
        RecordSet set = fromSdk(r);
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

  /** Applies a plan that has no errors; {@code log} gets one line per change as it is made. */
  public ApplyReport apply(String zoneId, Plan plan, Consumer<String> log) {
    if (!plan.errors().isEmpty()) {
      throw new IllegalStateException("a plan with errors cannot be applied: " + plan.errors());
    }
    List<String> applied = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Consumer<String> done =
        line -> {
          applied.add(line);
          log.accept(line);
        };
    Map<String, String> ids = new HashMap<>(plan.healthCheckIds());
    for (HealthCheckChange c : plan.healthChecksFirst()) {
      try {
        if (c.action() == HealthCheckChange.Action.CREATE) {
          ids.put(c.spec().key(), createHealthCheck(c.spec()));
        } else {
          updateHealthCheck(c.id(), c.spec());
          ids.put(c.spec().key(), c.id());
        }
        done.accept(c.toString());
      } catch (RuntimeException e) {
        failures.add(c + ": " + message(e));
      }
    }
    List<ChangeBatch> batches = plan.batches();
    for (int i = 0; i < batches.size(); i++) {
      ChangeBatch batch = batches.get(i);
      String label = "batch " + (i + 1) + "/" + batches.size();
      try {
        List<Change> changes = new ArrayList<>();
        for (RecordChange c : batch.changes()) {
          changes.add(
              Change.builder()
                  .action(ChangeAction.fromValue(c.action().name()))
                  .resourceRecordSet(toSdk(c.record(), ids))
                  .build());
        }
        String changeId =
            call(
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
        batch.changes().forEach(c -> done.accept(c.toString()));
      } catch (RuntimeException e) {
        failures.add(label + " (" + batch.changes().size() + " changes) failed: " + message(e));
      }
    }
    boolean recordsFailed = !failures.isEmpty();
    for (HealthCheckChange c : plan.healthChecksLast()) {
      if (recordsFailed) {
        failures.add(c + ": not deleted, as a failed change may leave a record using it");
        continue;
      }
      try {
        try {
          call("DeleteHealthCheck", () -> client.deleteHealthCheck(r -> r.healthCheckId(c.id())));
        } catch (NoSuchHealthCheckException gone) {
          // Already gone: the goal is met.
        }
        done.accept(c.toString());
      } catch (RuntimeException e) {
        failures.add(c + ": " + message(e));
      }
    }
    return new ApplyReport(applied, failures);
  }

  private String createHealthCheck(HealthCheckSpec spec) {
    String id =
        call(
                "CreateHealthCheck",
                () ->
                    client.createHealthCheck(
                        r ->
                            r.callerReference(spec.callerReference())
                                .healthCheckConfig(
                                    HealthCheckConfig.builder()
                                        .type(spec.type())
                                        .ipAddress(spec.ipAddress())
                                        .port(spec.port())
                                        .resourcePath(spec.resourcePath())
                                        .fullyQualifiedDomainName(spec.fullyQualifiedDomainName())
                                        .requestInterval(spec.requestInterval())
                                        .failureThreshold(spec.failureThreshold())
                                        .build())))
            .healthCheck()
            .id();
    List<Tag> tags =
        spec.tags().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    call(
        "ChangeTagsForResource",
        () ->
            client.changeTagsForResource(
                r -> r.resourceType(TagResourceType.HEALTHCHECK).resourceId(id).addTags(tags)));
    return id;
  }

  private void updateHealthCheck(String id, HealthCheckSpec spec) {
    call(
        "UpdateHealthCheck",
        () ->
            client.updateHealthCheck(
                r ->
                    r.healthCheckId(id)
                        .ipAddress(spec.ipAddress())
                        .port(spec.port())
                        .resourcePath(spec.resourcePath())
                        .fullyQualifiedDomainName(spec.fullyQualifiedDomainName())
                        .failureThreshold(spec.failureThreshold())));
  }

  private void waitInSync(String changeId, String label) {
    long deadline = System.nanoTime() + inSyncBound.toNanos();
    while (true) {
      ChangeStatus status =
          call("GetChange", () -> client.getChange(r -> r.id(changeId))).changeInfo().status();
      if (status == ChangeStatus.INSYNC) {
        return;
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            label + " was sent but is not INSYNC after " + inSyncBound.toSeconds() + " s");
      }
      sleepQuietly(pollEvery);
    }
  }

  /** Runs {@code op}, retrying what Route53 says to retry. */
  <T> T call(String what, Supplier<T> op) {
    for (int attempt = 1; ; attempt++) {
      try {
        return op.get();
      } catch (AwsServiceException e) {
        if (!retryable(e) || attempt >= retry.maxAttempts()) {
          throw e;
        }
      } catch (SdkClientException e) {
        if (attempt >= retry.maxAttempts()) {
          throw e;
        }
      }
      sleepQuietly(backoff(attempt));
    }
  }

  static boolean retryable(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return "Throttling".equals(code)
        || "ThrottlingException".equals(code)
        || "PriorRequestNotComplete".equals(code)
        || "RequestLimitExceeded".equals(code)
        || e.statusCode() >= 500;
  }

  /** Full jitter: uniform in [0, min(cap, base × 2^(attempt-1))]. */
  Duration backoff(int attempt) {
    long ceiling =
        Math.min(retry.cap().toMillis(), retry.base().toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis((long) (random.nextDouble() * (ceiling + 1)));
  }

  private void sleepQuietly(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Route53", e);
    }
  }

  private static String message(RuntimeException e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
      return a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  // ---------------------------------------------------------------- SDK ↔ plan model

  static RecordSet fromSdk(ResourceRecordSet r) {
    Routing routing;
    if (r.region() != null) {
      routing = Routing.latency(r.regionAsString());
    } else if (r.weight() != null) {
      routing = Routing.weighted(r.weight());
    } else if (Boolean.TRUE.equals(r.multiValueAnswer())) {
      routing = Routing.multivalue();
    } else if (r.failover() != null) {
      routing = Routing.other("failover " + r.failoverAsString());
    } else if (r.geoLocation() != null) {
      routing = Routing.other("geolocation");
    } else if (r.cidrRoutingConfig() != null || r.geoProximityLocation() != null) {
      routing = Routing.other("cidr or geoproximity");
    } else {
      routing = Routing.simple();
    }
    AliasTarget alias = null;
    if (r.aliasTarget() != null) {
      alias =
          new AliasTarget(
              normalize(r.aliasTarget().dnsName()),
              stripPrefix(r.aliasTarget().hostedZoneId()),
              Boolean.TRUE.equals(r.aliasTarget().evaluateTargetHealth()));
    }
    return new RecordSet(
        normalize(r.name()),
        r.typeAsString(),
        r.setIdentifier(),
        routing,
        // moto_server reports TTL 0 on aliases; Route53 aliases have none.
        alias != null ? null : r.ttl(),
        r.resourceRecords().stream().map(ResourceRecord::value).toList(),
        alias,
        r.healthCheckId() == null ? null : "id:" + r.healthCheckId());
  }

  static ResourceRecordSet toSdk(RecordSet r, Map<String, String> healthCheckIds) {
    ResourceRecordSet.Builder b =
        ResourceRecordSet.builder().name(r.name()).type(r.type()).setIdentifier(r.setIdentifier());
    switch (r.routing().policy()) {
      case LATENCY -> b.region(r.routing().region());
      case WEIGHTED -> b.weight(r.routing().weight());
      case MULTIVALUE -> b.multiValueAnswer(true);
      case SIMPLE -> {}
      case OTHER ->
          throw new IllegalStateException("metamirror never writes " + r.routing() + ": " + r);
    }
    if (r.alias() != null) {
      b.aliasTarget(
          (Consumer<Builder>)
              a ->
                  a.dnsName(r.alias().dnsName())
                      .hostedZoneId(r.alias().hostedZoneId())
                      .evaluateTargetHealth(r.alias().evaluateTargetHealth()));
    } else {
      b.ttl(r.ttl())
          .resourceRecords(
              r.values().stream().map(v -> ResourceRecord.builder().value(v).build()).toList());
    }
    if (r.healthCheck() != null) {
      String ref = r.healthCheck();
      String id = ref.startsWith("id:") ? ref.substring(3) : healthCheckIds.get(ref);
      if (id == null) {
        throw new IllegalStateException(
            "health check " + ref + " of " + r.key() + " has no id (its create failed)");
      }
      b.healthCheckId(id);
    }
    return b.build();
  }

  static HealthCheckSpec fromSdk(HealthCheck h, Map<String, String> tags) {
    HealthCheckConfig c = h.healthCheckConfig();
    String region = tags.get(HealthCheckSpec.TAG_REGION);
    String node = tags.get(HealthCheckSpec.TAG_NODE);
    return new HealthCheckSpec(
        region != null && node != null ? region + ":" + node : null,
        h.callerReference(),
        c.typeAsString(),
        c.ipAddress(),
        c.port() == null ? 0 : c.port(),
        c.resourcePath(),
        c.fullyQualifiedDomainName(),
        c.requestInterval() == null ? 30 : c.requestInterval(),
        c.failureThreshold() == null ? 3 : c.failureThreshold(),
        tags);
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  private static String stripPrefix(String id) {
    return id.replaceFirst("^/?hostedzone/", "");
  }
}
