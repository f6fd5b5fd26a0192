package io.metamirror.fleet.region;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Plans a region operation from what EC2 and Route53 show, with no AWS in sight (DESIGN §11). The
 * plan of a fresh operation:
 *
 * <pre>
 * add      launch N of generation g · wait healthy+synced · point DNS at g (until INSYNC)
 * replace  launch N of g · wait healthy+synced · point DNS at g (until INSYNC) · wait TTL
 *          · terminate the generation DNS pointed at before
 * remove   remove from DNS (until INSYNC) · wait TTL · terminate every generation
 * </pre>
 *
 * Resuming is planning again: every state-changing step leaves a mark in EC2 or Route53 (a launch
 * leaves instances of a generation that DNS does not point at; a DNS change leaves records that
 * point at the new generation, or none; a termination leaves fewer live instances), so the plan for
 * the state after an interruption holds exactly the steps not yet done. A wait leaves no mark, so
 * the waits since the last change are repeated; they are safe to repeat. A generation that failed
 * to become healthy is rolled back ({@link #rollback}): its instances are terminated and DNS is not
 * touched.
 */
public final class StepPlanner {
  /**
   * @param count instances per generation ({@code --count}, else the region's launch count)
   */
  public RegionPlan plan(Operation op, RegionState s, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count < 1: " + count);
    }
    return switch (op) {
      case ADD -> add(s, count);
      case REPLACE -> replace(s, count);
      case REMOVE -> remove(s);
    };
  }

  /** Terminate what a failed {@code generation} launched; DNS stays as it is. */
  public List<Step> rollback(RegionState s, int generation) {
    return s.live(generation).isEmpty()
        ? List.of()
        : List.of(new Step.Terminate(List.of(generation)));
  }

  private RegionPlan add(RegionState s, int count) {
    TreeSet<Integer> inDns = s.generationsInDns();
    if (!inDns.isEmpty()) {
      TreeSet<Integer> newer = new TreeSet<>(s.generationsOutOfDns().tailSet(inDns.last(), false));
      return newer.isEmpty()
          ? RegionPlan.nothing(
              Operation.ADD,
              s.region(),
              "region " + s.region() + " is in DNS with generation " + inDns.last() + " already")
          : RegionPlan.refused(
              Operation.ADD,
              s.region(),
              "region "
                  + s.region()
                  + " is in DNS and generation "
                  + newer.last()
                  + " is waiting to replace it: run region replace to finish");
    }
    TreeSet<Integer> out = s.generationsOutOfDns();
    int g = out.isEmpty() ? s.nextGeneration() : out.last();
    List<Step> steps = new ArrayList<>();
    bringIntoDns(s, g, count, steps);
    List<Integer> leftovers = new ArrayList<>(out.headSet(g, false));
    if (!leftovers.isEmpty()) {
      steps.add(new Step.Terminate(leftovers));
    }
    return new RegionPlan(Operation.ADD, s.region(), g, steps, null, null);
  }

  private RegionPlan replace(RegionState s, int count) {
    TreeSet<Integer> inDns = s.generationsInDns();
    if (inDns.isEmpty()) {
      return RegionPlan.refused(
          Operation.REPLACE,
          s.region(),
          "region " + s.region() + " is not in DNS: run region add first");
    }
    int current = inDns.last();
    TreeSet<Integer> out = s.generationsOutOfDns();
    List<Step> steps = new ArrayList<>();
    TreeSet<Integer> older = new TreeSet<>(inDns.headSet(current, false));
    older.addAll(out.headSet(current, false));
    List<Integer> old = new ArrayList<>(older);
    TreeSet<Integer> newer = new TreeSet<>(out.tailSet(current, false));
    if (!newer.isEmpty() || old.isEmpty()) {
      // Before the swap: launch (or finish launching) the new generation and point DNS at it.
      int g = newer.isEmpty() ? s.nextGeneration() : newer.last();
      bringIntoDns(s, g, count, steps);
      old = liveGenerations(s);
      old.remove(Integer.valueOf(g));
      steps.add(new Step.WaitTtl());
      steps.add(new Step.Terminate(old));
      return new RegionPlan(Operation.REPLACE, s.region(), g, steps, null, null);
    }
    // After the swap (DNS points at the newest generation, older ones still run): drain them.
    steps.add(new Step.WaitTtl());
    steps.add(new Step.Terminate(old));
    return new RegionPlan(Operation.REPLACE, s.region(), current, steps, null, null);
  }

  private RegionPlan remove(RegionState s) {
    List<Integer> live = liveGenerations(s);
    List<Step> steps = new ArrayList<>();
    if (!s.nodesInDns().isEmpty()) {
      steps.add(new Step.RemoveFromDns());
    } else if (live.isEmpty()) {
      return RegionPlan.nothing(
          Operation.REMOVE,
          s.region(),
          "region " + s.region() + " has no records and no instances");
    }
    steps.add(new Step.WaitTtl());
    if (!live.isEmpty()) {
      steps.add(new Step.Terminate(live));
    }
    return new RegionPlan(Operation.REMOVE, s.region(), 0, steps, null, null);
  }

  private static List<Integer> liveGenerations(RegionState s) {
    return new ArrayList<>(
        new TreeSet<>(s.live().stream().map(FleetInstance::generation).toList()));
  }

  /** Launch what {@code g} lacks, wait for it, point DNS at it. */
  private static void bringIntoDns(RegionState s, int g, int count, List<Step> steps) {
    int missing = count - s.live(g).size();
    if (missing > 0) {
      steps.add(new Step.Launch(g, missing));
    }
    steps.add(new Step.WaitHealthy(g));
    steps.add(new Step.PointDns(g));
  }
}
