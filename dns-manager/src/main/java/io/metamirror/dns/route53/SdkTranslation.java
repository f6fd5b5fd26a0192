package io.metamirror.dns.route53;

import io.metamirror.dns.plan.AliasTarget;
import io.metamirror.dns.plan.HealthCheckSpec;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.plan.Routing;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.route53.model.AliasTarget.Builder;
import software.amazon.awssdk.services.route53.model.HealthCheck;
import software.amazon.awssdk.services.route53.model.HealthCheckConfig;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * SDK types to the plan model and back, so that the planner never sees the SDK. Names come back
 * lower case with their trailing dot; a record's health check comes back as {@code id:<Route53
 * id>}.
 */
final class SdkTranslation {
  private SdkTranslation() {}

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

  /**
   * @param healthCheckIds Route53 ids by key, for records that name their check by key
   */
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

  static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  static String stripPrefix(String id) {
    return id.replaceFirst("^/?hostedzone/", "");
  }
}
