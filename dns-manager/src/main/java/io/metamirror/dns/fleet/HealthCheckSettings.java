package io.metamirror.dns.fleet;

/**
 * How Route53 checks each node: {@code type} is HTTPS or HTTP; {@code interval} is 10 or 30 seconds
 * and, like the type, cannot change on an existing check (a change replaces the checks); {@code
 * failureThreshold} is 1–10.
 */
public record HealthCheckSettings(
    String type, String path, int port, int interval, int failureThreshold) {
  public static final String DEFAULT_PATH = "/.metamirror/health";

  public static HealthCheckSettings defaults() {
    return new HealthCheckSettings("HTTPS", DEFAULT_PATH, 443, 30, 3);
  }
}
