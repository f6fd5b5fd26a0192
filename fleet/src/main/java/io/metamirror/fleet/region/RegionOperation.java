package io.metamirror.fleet.region;

import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.dns.route53.Route53Gateway.Sleeper;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.spec.FleetSpec;
import io.metamirror.fleet.userdata.UserDataTemplate;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs a region's {@link RegionPlan}, step by step, against EC2 ({@link Ec2Fleet}), Route53 ({@link
 * RegionDns}) and the nodes' health ({@link NodeEndpoints}); one progress line per step with its
 * elapsed time. The plan is made from what EC2 and Route53 show ({@link #observe}), so a run that
 * stops anywhere is resumed by planning and running again. When the new generation is not healthy
 * and synced within {@link Timing#healthyWithin}, it is rolled back: its instances are terminated,
 * DNS is not touched, and the outcome says why. The caller holds the {@link FleetLock}.
 */
public final class RegionOperation {
  /**
   * How long to wait: for a new generation's health (then roll back), between health polls, and
   * after a DNS change beyond the records' TTL.
   */
  public record Timing(Duration healthyWithin, Duration pollEvery, Duration ttlMargin) {}

  /** How a run ended: {@code failure} is {@code null} on success. */
  public record Outcome(RegionPlan plan, String failure, boolean rolledBack) {
    public boolean ok() {
      return failure == null;
    }
  }

  private final FleetSpec spec;
  private final String region;
  private final Ec2Fleet ec2;
  private final RegionDns dns;
  private final NodeEndpoints endpoints;
  private final HealthProbe probe;
  private final long maxLagEntries;
  private final Timing timing;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final Consumer<String> progress;
  private final Consumer<String> warnings;

  public RegionOperation(
      FleetSpec spec,
      String region,
      Ec2Fleet ec2,
      RegionDns dns,
      NodeEndpoints endpoints,
      HealthProbe probe,
      long maxLagEntries,
      Timing timing,
      Sleeper sleeper,
      LongSupplier nanoTime,
      Consumer<String> progress,
      Consumer<String> warnings) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.region = Objects.requireNonNull(region, "region");
    this.ec2 = Objects.requireNonNull(ec2, "ec2");
    this.dns = Objects.requireNonNull(dns, "dns");
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.maxLagEntries = maxLagEntries;
    this.timing = Objects.requireNonNull(timing, "timing");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
  }

  /** The region's instances (EC2 tags) and the node ids its records point at (Route53). */
  public RegionState observe() {
    List<FleetInstance> instances = ec2.instances(region, warnings);
    List<String> inDns = new ArrayList<>();
    dns.nodesByRegion().getOrDefault(region, List.of()).forEach(n -> inDns.add(n.id()));
    return new RegionState(region, instances, java.util.Set.copyOf(inDns));
  }

  public RegionPlan plan(Operation op, int count) {
    return new StepPlanner().plan(op, observe(), count);
  }

  public Outcome run(RegionPlan plan) throws InterruptedException {
    if (plan.error() != null) {
      return new Outcome(plan, plan.error(), false);
    }
    long start = nanoTime.getAsLong();
    List<Step> steps = plan.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String label = "step " + (i + 1) + "/" + steps.size() + " " + step.describe();
      String failure;
      try {
        failure = execute(step);
      } catch (RuntimeException e) {
        failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      if (failure != null && step instanceof Step.WaitHealthy w) {
        progress.accept(label + ": " + failure + " " + elapsed(start));
        for (Step r : new StepPlanner().rollback(observe(), w.generation())) {
          execute(r);
          progress.accept("rollback " + r.describe() + ": done " + elapsed(start));
        }
        return new Outcome(plan, failure + "; rolled back, DNS unchanged", true);
      }
      if (failure != null) {
        progress.accept(label + ": failed: " + failure + " " + elapsed(start));
        return new Outcome(plan, failure + " (run the command again to resume)", false);
      }
      progress.accept(label + ": done " + elapsed(start));
    }
    return new Outcome(plan, null, false);
  }

  /** Runs one step; a failure's reason, or {@code null}. */
  private String execute(Step step) throws InterruptedException {
    if (step instanceof Step.Launch l) {
      int slot = observe().live(l.generation()).size();
      String userData =
          UserDataTemplate.node().render(UserDataTemplate.variables(spec.node(), region));
      ec2.launch(region, l.generation(), slot, l.count(), spec.launch().get(region), userData);
      return null;
    }
    if (step instanceof Step.WaitHealthy w) {
      return awaitHealthy(w.generation());
    }
    if (step instanceof Step.PointDns p) {
      List<Node> nodes = new ArrayList<>();
      for (FleetInstance i : observe().live(p.generation())) {
        if (i.ipv4() == null && i.ipv6() == null) {
          return "instance " + i.instanceId() + " has no public address for DNS";
        }
        nodes.add(new Node(i.instanceId(), region, i.ipv4(), i.ipv6()));
      }
      dns.point(region, nodes, line -> {});
      return null;
    }
    if (step instanceof Step.RemoveFromDns) {
      dns.point(region, List.of(), line -> {});
      return null;
    }
    if (step instanceof Step.WaitTtl) {
      sleeper.sleep(Duration.ofSeconds(spec.dns().ttl()).plus(timing.ttlMargin()));
      return null;
    }
    if (step instanceof Step.Terminate t) {
      List<String> ids = new ArrayList<>();
      for (FleetInstance i : observe().live()) {
        if (t.generations().contains(i.generation())) {
          ids.add(i.instanceId());
        }
      }
      ec2.terminate(region, ids);
      return null;
    }
    throw new IllegalStateException("unknown step " + step);
  }

  /** {@code null} once every instance of {@code generation} is ready; else why not, at the end. */
  private String awaitHealthy(int generation) throws InterruptedException {
    long deadline = nanoTime.getAsLong() + timing.healthyWithin().toNanos();
    Map<String, String> notReady = new LinkedHashMap<>();
    while (true) {
      notReady.clear();
      List<FleetInstance> instances = observe().live(generation);
      if (instances.isEmpty()) {
        return "generation " + generation + " has no live instance";
      }
      for (FleetInstance i : instances) {
        URI uri = endpoints.healthUri(i);
        if (uri == null) {
          notReady.put(i.instanceId(), "no address yet");
          continue;
        }
        try {
          NodeReadiness r = NodeReadiness.of(probe.read(uri), maxLagEntries);
          if (!r.ready()) {
            notReady.put(i.instanceId(), r.detail());
          }
        } catch (IOException e) {
          notReady.put(i.instanceId(), "unreachable: " + e.getClass().getSimpleName());
        }
      }
      if (notReady.isEmpty()) {
        return null;
      }
      if (nanoTime.getAsLong() >= deadline) {
        return "generation "
            + generation
            + " not healthy and synced within "
            + timing.healthyWithin().toSeconds()
            + " s: "
            + notReady;
      }
      sleeper.sleep(timing.pollEvery());
    }
  }

  private String elapsed(long start) {
    return String.format(java.util.Locale.ROOT, "(%.1f s)", (nanoTime.getAsLong() - start) / 1e9);
  }
}
