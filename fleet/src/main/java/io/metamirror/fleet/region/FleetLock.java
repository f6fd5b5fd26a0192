package io.metamirror.fleet.region;

import io.metamirror.dns.plan.ChangeBatch;
import io.metamirror.dns.plan.Plan;
import io.metamirror.dns.plan.RecordChange;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.plan.Routing;
import io.metamirror.dns.route53.Route53Gateway;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet lock: one TXT record beside the fleet's name, so two operators cannot run region
 * operations at once:
 *
 * <pre>
 * _metamirror-lock.repo.example.test.  TXT  "metamirror-lock owner=demo holder=alice@ops1 expires=2026-12-06T07:00:00Z"
 * </pre>
 *
 * Taking it is one change batch: DELETE of the record exactly as read (if any) and CREATE of the
 * new one, which Route53 refuses if someone changed the record in between. A lock held by someone
 * else and not expired refuses the operation, naming the holder and the expiry; the same holder
 * takes its own lock over (that is how an interrupted operation is resumed at once), and an expired
 * lock is anyone's. Its value deliberately differs from the DNS manager's ownership mark, so {@code
 * dns apply} leaves the name alone. Releasing deletes it.
 */
public final class FleetLock implements AutoCloseable {
  public static final String PREFIX = "_metamirror-lock.";
  private static final Pattern VALUE =
      Pattern.compile("\"metamirror-lock owner=(\\S+) holder=(\\S+) expires=(\\S+)\"");

  /** Someone else holds the lock. */
  public static final class HeldException extends Exception {
    HeldException(String message) {
      super(message);
    }
  }

  private final Route53Gateway gateway;
  private final String zoneId;
  private final RecordSet record;

  private FleetLock(Route53Gateway gateway, String zoneId, RecordSet record) {
    this.gateway = gateway;
    this.zoneId = zoneId;
    this.record = record;
  }

  /**
   * Takes the lock of {@code owner}'s fleet at {@code name} for {@code holder} (no white space),
   * until {@code now + lease}.
   */
  public static FleetLock acquire(
      Route53Gateway gateway,
      String zoneId,
      String owner,
      String name,
      String holder,
      Duration lease,
      Instant now)
      throws HeldException {
    if (holder.isBlank() || holder.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("holder must be one word: \"" + holder + "\"");
    }
    String lockName = PREFIX + name;
    RecordSet existing =
        gateway.read(zoneId, owner).records().stream()
            .filter(r -> r.name().equals(lockName) && r.type().equals("TXT"))
            .findFirst()
            .orElse(null);
    if (existing != null) {
      Matcher m = existing.values().size() == 1 ? VALUE.matcher(existing.values().get(0)) : null;
      if (m == null || !m.matches()) {
        throw new HeldException(
            lockName + " holds a TXT record that is not a fleet lock: " + existing.values());
      }
      Instant expires;
      try {
        expires = Instant.parse(m.group(3));
      } catch (DateTimeParseException e) {
        expires = Instant.MIN;
      }
      if (!m.group(2).equals(holder) && expires.isAfter(now)) {
        throw new HeldException(
            "the fleet is locked by " + m.group(2) + " until " + expires + " (" + lockName + ")");
      }
    }
    RecordSet mine =
        new RecordSet(
            lockName,
            "TXT",
            null,
            Routing.simple(),
            60L,
            List.of(
                "\"metamirror-lock owner="
                    + owner
                    + " holder="
                    + holder
                    + " expires="
                    + now.plus(lease)
                    + "\""),
            null,
            null);
    List<RecordChange> changes =
        existing == null
            ? List.of(new RecordChange(RecordChange.Action.CREATE, mine))
            : List.of(
                new RecordChange(RecordChange.Action.DELETE, existing),
                new RecordChange(RecordChange.Action.CREATE, mine));
    Route53Gateway.ApplyReport report = gateway.apply(zoneId, batch(changes), line -> {});
    if (!report.ok()) {
      throw new HeldException(
          "could not take the fleet lock (another operator at the same time?): "
              + String.join("; ", report.failures()));
    }
    return new FleetLock(gateway, zoneId, mine);
  }

  /** Deletes the lock record. */
  @Override
  public void close() {
    gateway.apply(
        zoneId, batch(List.of(new RecordChange(RecordChange.Action.DELETE, record))), line -> {});
  }

  private static Plan batch(List<RecordChange> changes) {
    int chars = changes.stream().mapToInt(c -> c.record().values().get(0).length()).sum();
    return new Plan(
        List.of(),
        List.of(new ChangeBatch(changes, changes.size(), chars)),
        List.of(),
        List.of(),
        Map.of());
  }
}
