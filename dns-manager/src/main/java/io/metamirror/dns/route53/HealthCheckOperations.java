package io.metamirror.dns.route53;

import io.metamirror.dns.plan.ActualHealthCheck;
import io.metamirror.dns.plan.HealthCheckSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HealthCheck;
import software.amazon.awssdk.services.route53.model.HealthCheckConfig;
import software.amazon.awssdk.services.route53.model.NoSuchHealthCheckException;
import software.amazon.awssdk.services.route53.model.ResourceTagSet;
import software.amazon.awssdk.services.route53.model.Tag;
import software.amazon.awssdk.services.route53.model.TagResourceType;

/**
 * The gateway's health-check calls: list the owner's checks (ownership lives in their tags, read
 * ten at a time, Route53's limit per ListTagsForResources), create one with its tags, update one in
 * place, delete one. Every call goes through the {@link RetryingCaller}.
 */
final class HealthCheckOperations {
  private final Route53Client client;
  private final RetryingCaller calls;

  HealthCheckOperations(Route53Client client, RetryingCaller calls) {
    this.client = client;
    this.calls = calls;
  }

  /** Every health check tagged {@code metamirror:owner=owner}. */
  List<ActualHealthCheck> owned(String owner) {
    List<HealthCheck> all = new ArrayList<>();
    calls.call(
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
          calls
              .call(
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
        owned.add(new ActualHealthCheck(h.id(), SdkTranslation.fromSdk(h, t)));
      }
    }
    return owned;
  }

  /** Creates the check, then tags it; returns its Route53 id. */
  String create(HealthCheckSpec spec) {
    String id =
        calls
            .call(
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
    calls.call(
        "ChangeTagsForResource",
        () ->
            client.changeTagsForResource(
                r -> r.resourceType(TagResourceType.HEALTHCHECK).resourceId(id).addTags(tags)));
    return id;
  }

  /** The settings UpdateHealthCheck can change; type and interval cannot. */
  void update(String id, HealthCheckSpec spec) {
    calls.call(
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

  /**
   * Sets {@code Inverted}: an inverted check reports the opposite of what it measures, so a healthy
   * node counts as unhealthy and leaves DNS answers (a drill).
   */
  void setInverted(String id, boolean inverted) {
    calls.call(
        "UpdateHealthCheck",
        () -> client.updateHealthCheck(r -> r.healthCheckId(id).inverted(inverted)));
  }

  boolean isInverted(String id) {
    Boolean inverted =
        calls
            .call("GetHealthCheck", () -> client.getHealthCheck(r -> r.healthCheckId(id)))
            .healthCheck()
            .healthCheckConfig()
            .inverted();
    return Boolean.TRUE.equals(inverted);
  }

  void delete(String id) {
    try {
      calls.call("DeleteHealthCheck", () -> client.deleteHealthCheck(r -> r.healthCheckId(id)));
    } catch (NoSuchHealthCheckException gone) {
      // Already gone: the goal is met.
    }
  }
}
