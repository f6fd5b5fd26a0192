package io.metamirror.fleet.region;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a region operation observes before it plans: the fleet's instances in the region (every
 * state, from EC2's tags) and the node ids the region's DNS records point at (Route53). Nothing
 * else is state: no local file, no memory of an earlier run.
 */
public record RegionState(String region, List<FleetInstance> instances, Set<String> nodesInDns) {
  public RegionState {
    instances = List.copyOf(instances);
    nodesInDns = Set.copyOf(nodesInDns);
  }

  List<FleetInstance> live() {
    return instances.stream().filter(FleetInstance::isLive).toList();
  }

  List<FleetInstance> live(int generation) {
    return live().stream().filter(i -> i.generation() == generation).toList();
  }

  /** Generations with a live instance in DNS, ascending. */
  TreeSet<Integer> generationsInDns() {
    TreeSet<Integer> g = new TreeSet<>();
    live().stream()
        .filter(i -> nodesInDns.contains(i.instanceId()))
        .forEach(i -> g.add(i.generation()));
    return g;
  }

  /** Generations with live instances that are not in DNS, ascending. */
  TreeSet<Integer> generationsOutOfDns() {
    TreeSet<Integer> g = new TreeSet<>();
    live().stream()
        .filter(i -> !nodesInDns.contains(i.instanceId()))
        .forEach(i -> g.add(i.generation()));
    return g;
  }

  /** The next generation number: above every one seen, terminated instances included. */
  int nextGeneration() {
    return instances.stream().mapToInt(FleetInstance::generation).max().orElse(0) + 1;
  }
}
