package io.metamirror.dns.plan;

/**
 * A record's routing policy. Only LATENCY, WEIGHTED and SIMPLE are written by the planner; OTHER
 * stands for anything else found in the zone (failover, geolocation, ...), described in {@code
 * detail}.
 */
public record Routing(Policy policy, String region, Long weight, String detail) {
  public enum Policy {
    SIMPLE,
    LATENCY,
    WEIGHTED,
    MULTIVALUE,
    OTHER
  }

  public static Routing simple() {
    return new Routing(Policy.SIMPLE, null, null, null);
  }

  public static Routing latency(String region) {
    return new Routing(Policy.LATENCY, region, null, null);
  }

  public static Routing weighted(long weight) {
    return new Routing(Policy.WEIGHTED, null, weight, null);
  }

  public static Routing multivalue() {
    return new Routing(Policy.MULTIVALUE, null, null, null);
  }

  public static Routing other(String detail) {
    return new Routing(Policy.OTHER, null, null, detail);
  }

  @Override
  public String toString() {
    return switch (policy) {
      case SIMPLE -> "simple";
      case LATENCY -> "latency " + region;
      case WEIGHTED -> "weighted " + weight;
      case MULTIVALUE -> "multivalue";
      case OTHER -> "other (" + detail + ")";
    };
  }
}
