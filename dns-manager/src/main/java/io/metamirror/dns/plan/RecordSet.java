package io.metamirror.dns.plan;

import java.util.List;
import java.util.Objects;

/**
 * One Route53 record set, free of the SDK. Names are lower case with their trailing dot.
 *
 * @param ttl seconds, or {@code null} for an alias
 * @param values the resource record values in Route53's text form (TXT values quoted); empty for an
 *     alias
 * @param healthCheck a desired record names its check by key (see {@link HealthCheckSpec#key}); a
 *     record read from Route53 by {@code id:<Route53 id>}, and a DELETE repeats that id
 */
public record RecordSet(
    String name,
    String type,
    String setIdentifier,
    Routing routing,
    Long ttl,
    List<String> values,
    AliasTarget alias,
    String healthCheck) {
  public RecordSet {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(routing, "routing");
    values = List.copyOf(values);
  }

  public RecordKey key() {
    return new RecordKey(name, type, setIdentifier);
  }

  public boolean isAlias() {
    return alias != null;
  }

  RecordSet withHealthCheck(String healthCheck) {
    return new RecordSet(name, type, setIdentifier, routing, ttl, values, alias, healthCheck);
  }

  /** Values as Route53 counts them against a batch's limits: an alias counts as one. */
  int valueCount() {
    return alias != null ? 1 : values.size();
  }

  int valueChars() {
    return alias != null
        ? alias.dnsName().length()
        : values.stream().mapToInt(String::length).sum();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(key().toString()).append(' ').append(routing);
    if (ttl != null) {
      b.append(" ttl ").append(ttl);
    }
    if (alias != null) {
      b.append(" alias → ").append(alias.dnsName());
      if (alias.evaluateTargetHealth()) {
        b.append(" (evaluate target health)");
      }
    } else {
      b.append(' ').append(String.join(" ", values));
    }
    if (healthCheck != null) {
      b.append(" health check ").append(healthCheck);
    }
    return b.toString();
  }
}
