package io.metamirror.dns.route53;

import io.metamirror.dns.plan.ActualState;
import io.metamirror.dns.plan.ChangeBatch;
import io.metamirror.dns.plan.HealthCheckChange;
import io.metamirror.dns.plan.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HostedZone;

/**
 * The one class that talks to Route53. It reads {@link ActualState} and applies a {@link Plan}:
 * health-check creates and updates, then the record batches in order (each waited on until INSYNC,
 * within a bound), then health-check deletes. A failed batch is reported and the following ones are
 * still sent; health checks are then not deleted, since a record that failed to change may still
 * use them.
 *
 * <p>Every call is retried on {@code Throttling} and {@code PriorRequestNotComplete} (and on 5xx
 * and I/O errors) with exponential backoff and full jitter ({@link RetryingCaller}); the SDK's own
 * retries are off so this is the only policy. The {@link Sleeper} and {@link Random} are injected
 * so tests do not wait. Zone lookups are cached. The calls themselves live in {@link
 * HealthCheckOperations} and {@link RecordOperations}, the SDK's types stop at {@link
 * SdkTranslation}.
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
  private final RetryingCaller calls;
  private final HealthCheckOperations healthChecks;
  private final RecordOperations records;
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
    this.calls = new RetryingCaller(retry, sleeper, random);
    this.healthChecks = new HealthCheckOperations(client, calls);
    this.records = new RecordOperations(client, calls, inSyncBound, pollEvery);
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
          calls.call("GetHostedZone", () -> client.getHostedZone(r -> r.id(zoneId))).hostedZone();
      if (zoneName != null && !SdkTranslation.normalize(zone.name()).equals(zoneName)) {
        throw new IllegalArgumentException(
            "hosted zone " + zoneId + " is " + zone.name() + ", not " + zoneName);
      }
      found = SdkTranslation.stripPrefix(zone.id());
    } else {
      List<HostedZone> zones =
          calls
              .call(
                  "ListHostedZonesByName",
                  () -> client.listHostedZonesByName(r -> r.dnsName(zoneName).maxItems("10")))
              .hostedZones()
              .stream()
              .filter(z -> SdkTranslation.normalize(z.name()).equals(zoneName))
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
      found = SdkTranslation.stripPrefix(zones.get(0).id());
    }
    zoneIds.put(cacheKey, found);
    return found;
  }

  /** Every record of the zone, and every health check tagged {@code metamirror:owner=owner}. */
  public ActualState read(String zoneId, String owner) {
    return new ActualState(records.list(zoneId), healthChecks.owned(owner));
  }

  /**
   * Inverts a health check, or reverts it ({@code inverted=false}); the DNS manager's plans leave
   * the flag as it is, so only a drill sets and clears it.
   */
  public void setInverted(String healthCheckId, boolean inverted) {
    healthChecks.setInverted(healthCheckId, inverted);
  }

  public boolean isInverted(String healthCheckId) {
    return healthChecks.isInverted(healthCheckId);
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
          ids.put(c.spec().key(), healthChecks.create(c.spec()));
        } else {
          healthChecks.update(c.id(), c.spec());
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
        records.change(zoneId, batch, label, ids);
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
        healthChecks.delete(c.id());
        done.accept(c.toString());
      } catch (RuntimeException e) {
        failures.add(c + ": " + message(e));
      }
    }
    return new ApplyReport(applied, failures);
  }

  private static String message(RuntimeException e) {
    if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
      return a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
