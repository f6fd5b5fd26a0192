package io.metamirror.dns.plan;

/** A health check found in Route53, with its id. */
public record ActualHealthCheck(String id, HealthCheckSpec spec) {}
