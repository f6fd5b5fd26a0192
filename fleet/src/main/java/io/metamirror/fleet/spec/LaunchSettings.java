package io.metamirror.fleet.spec;

import java.util.List;

/**
 * How a region's instances are launched ({@code regions.REGION.launch} in the fleet file).
 *
 * @param subnets the instances are spread over these in turn; empty: the default VPC's
 * @param securityGroups empty: the VPC's default group
 * @param instanceProfile the IAM instance profile (name or ARN) that lets a node read its TLS
 *     parameters from SSM; {@code null} for none
 * @param count instances per generation unless {@code --count} says otherwise
 */
public record LaunchSettings(
    String ami,
    String instanceType,
    List<String> subnets,
    List<String> securityGroups,
    String instanceProfile,
    int count) {
  public static final int DEFAULT_COUNT = 2;

  public LaunchSettings {
    subnets = List.copyOf(subnets);
    securityGroups = List.copyOf(securityGroups);
    if (count < 1) {
      throw new IllegalArgumentException("count < 1: " + count);
    }
  }

  /** The subnet of the {@code i}-th instance of a launch, or {@code null} for the default. */
  public String subnetFor(int i) {
    return subnets.isEmpty() ? null : subnets.get(i % subnets.size());
  }
}
