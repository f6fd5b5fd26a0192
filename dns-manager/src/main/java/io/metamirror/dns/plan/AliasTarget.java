package io.metamirror.dns.plan;

/** Where an alias record points: a name (with its trailing dot) in a hosted zone. */
public record AliasTarget(String dnsName, String hostedZoneId, boolean evaluateTargetHealth) {}
