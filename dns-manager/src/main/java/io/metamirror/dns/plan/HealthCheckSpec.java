package io.metamirror.dns.plan;

import java.util.Map;
import java.util.Objects;

/**
 * A Route53 health check as the fleet wants it (or as found), free of the SDK.
 *
 * @param key {@code <region>:<node id>}, stored in the check's tags; how records and checks find
 *     each other across runs, since Route53 ids are only known after creation. {@code null} for a
 *     check that carries no such tags.
 * @param callerReference deterministic for a desired check (a hash of owner, key and settings), so
 *     a retried create returns the same check on AWS
 */
public record HealthCheckSpec(
    String key,
    String callerReference,
    String type,
    String ipAddress,
    int port,
    String resourcePath,
    String fullyQualifiedDomainName,
    int requestInterval,
    int failureThreshold,
    Map<String, String> tags) {
  public static final String TAG_OWNER = "metamirror:owner";
  public static final String TAG_REGION = "metamirror:region";
  public static final String TAG_NODE = "metamirror:node";

  public HealthCheckSpec {
    tags = Map.copyOf(tags);
  }

  /** Type and request interval cannot change on an existing check. */
  boolean sameImmutableSettings(HealthCheckSpec other) {
    return type.equals(other.type) && requestInterval == other.requestInterval;
  }

  /** What UpdateHealthCheck can change. */
  boolean sameMutableSettings(HealthCheckSpec other) {
    return Objects.equals(ipAddress, other.ipAddress)
        && port == other.port
        && Objects.equals(resourcePath, other.resourcePath)
        && Objects.equals(fullyQualifiedDomainName, other.fullyQualifiedDomainName)
        && failureThreshold == other.failureThreshold;
  }

  @Override
  public String toString() {
    return key
        + " "
        + type
        + " "
        + (ipAddress.contains(":") ? "[" + ipAddress + "]" : ipAddress)
        + ":"
        + port
        + resourcePath
        + " every "
        + requestInterval
        + "s, unhealthy after "
        + failureThreshold;
  }
}
