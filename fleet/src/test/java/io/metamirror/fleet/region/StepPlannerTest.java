package io.metamirror.fleet.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.fleet.region.FleetInstance.State;
import io.metamirror.fleet.region.Step.Launch;
import io.metamirror.fleet.region.Step.PointDns;
import io.metamirror.fleet.region.Step.RemoveFromDns;
import io.metamirror.fleet.region.Step.Terminate;
import io.metamirror.fleet.region.Step.WaitHealthy;
import io.metamirror.fleet.region.Step.WaitTtl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The step planner alone. {@link World} applies steps to an EC2-and-Route53 state the way the
 * operation's effects would, so every interruption point can be produced: after each step, and in
 * the middle of a launch and of a termination.
 */
class StepPlannerTest {
  static final String REGION = "eu-west-1";
  final StepPlanner planner = new StepPlanner();

  /** The state that steps change: instances by tag, the ids DNS points at. */
  static final class World {
    final List<FleetInstance> instances = new ArrayList<>();
    final Set<String> dns = new HashSet<>();
    int launched;

    RegionState state() {
      return new RegionState(REGION, instances, dns);
    }

    World launch(int generation, int count) {
      for (int i = 0; i < count; i++) {
        instances.add(new FleetInstance("i-" + (++launched), REGION, generation, State.RUNNING));
      }
      return this;
    }

    World pointDnsAt(int generation) {
      dns.clear();
      live(generation).forEach(i -> dns.add(i.instanceId()));
      return this;
    }

    void terminate(FleetInstance i) {
      instances.set(
          instances.indexOf(i),
          new FleetInstance(i.instanceId(), i.region(), i.generation(), State.TERMINATED));
    }

    List<FleetInstance> live(int generation) {
      return instances.stream().filter(i -> i.isLive() && i.generation() == generation).toList();
    }

    void apply(Step step) {
      if (step instanceof Launch l) {
        launch(l.generation(), l.count());
      } else if (step instanceof PointDns p) {
        pointDnsAt(p.generation());
      } else if (step instanceof RemoveFromDns) {
        dns.clear();
      } else if (step instanceof Terminate t) {
        for (int g : t.generations()) {
          live(g).forEach(this::terminate);
        }
      }
    }
  }

  static World serving(int generation, int count) {
    World w = new World();
    w.launch(generation, count).pointDnsAt(generation);
    return w;
  }

  static World start(Operation op) {
    return op == Operation.ADD ? new World() : serving(1, 2);
  }

  @Test
  void addLaunchesWaitsAndThenPutsTheRegionInDns() {
    RegionPlan p = planner.plan(Operation.ADD, new World().state(), 2);
    assertNull(p.error());
    assertEquals(1, p.generation());
    assertEquals(List.of(new Launch(1, 2), new WaitHealthy(1), new PointDns(1)), p.steps());
  }

  @Test
  void replaceSwapsDnsBeforeItTerminatesTheOldGeneration() {
    RegionPlan p = planner.plan(Operation.REPLACE, serving(1, 2).state(), 3);
    assertEquals(
        List.of(
            new Launch(2, 3),
            new WaitHealthy(2),
            new PointDns(2),
            new WaitTtl(),
            new Terminate(List.of(1))),
        p.steps());
  }

  @Test
  void removeTakesTheRegionOutOfDnsBeforeItTerminates() {
    RegionPlan p = planner.plan(Operation.REMOVE, serving(1, 2).state(), 2);
    assertEquals(List.of(new RemoveFromDns(), new WaitTtl(), new Terminate(List.of(1))), p.steps());
  }

  /**
   * After an interruption following step k, the plan is the rest of the original one, with the
   * waits since the last state-changing step repeated (a wait leaves no mark to resume from).
   */
  @ParameterizedTest
  @EnumSource(Operation.class)
  void resumingAfterAnInterruptionAtEveryStepYieldsOnlyTheRemainingSteps(Operation op) {
    List<Step> full = planner.plan(op, start(op).state(), 2).steps();
    for (int k = 1; k < full.size(); k++) {
      World w = start(op);
      full.subList(0, k).forEach(w::apply);
      int resumeAt = 0;
      for (int i = 0; i < k; i++) {
        if (full.get(i).changesState()) {
          resumeAt = i + 1;
        }
      }
      RegionPlan resumed = planner.plan(op, w.state(), 2);
      assertNull(resumed.error(), "after step " + k + ": " + resumed.error());
      assertEquals(
          full.subList(resumeAt, full.size()),
          resumed.steps(),
          op + " interrupted after step " + k + " (" + full.get(k - 1).describe() + ")");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Operation.class,
      names = {"ADD", "REMOVE"})
  void aFinishedOperationPlansNothing(Operation op) {
    World w = start(op);
    planner.plan(op, w.state(), 2).steps().forEach(w::apply);
    RegionPlan again = planner.plan(op, w.state(), 2);
    assertTrue(again.isEmpty(), again.toString());
    assertTrue(again.note() != null && again.error() == null, again.toString());
  }

  @Test
  void aLaunchInterruptedHalfwayLaunchesOnlyWhatIsMissing() {
    World w = serving(1, 2);
    w.launch(2, 1);
    assertEquals(
        List.of(
            new Launch(2, 2),
            new WaitHealthy(2),
            new PointDns(2),
            new WaitTtl(),
            new Terminate(List.of(1))),
        planner.plan(Operation.REPLACE, w.state(), 3).steps());
  }

  @Test
  void aTerminationInterruptedHalfwayWaitsAgainAndTerminatesTheRest() {
    World w = serving(1, 2);
    w.launch(2, 2).pointDnsAt(2);
    w.terminate(w.live(1).get(0));
    assertEquals(
        List.of(new WaitTtl(), new Terminate(List.of(1))),
        planner.plan(Operation.REPLACE, w.state(), 2).steps());
    World r = serving(1, 2);
    r.dns.clear();
    r.terminate(r.live(1).get(0));
    assertEquals(
        List.of(new WaitTtl(), new Terminate(List.of(1))),
        planner.plan(Operation.REMOVE, r.state(), 2).steps());
  }

  @Test
  void aRollbackTerminatesTheNewGenerationAndLeavesDnsAlone() {
    World w = serving(1, 2);
    w.launch(2, 2);
    List<Step> rollback = planner.rollback(w.state(), 2);
    assertEquals(List.of(new Terminate(List.of(2))), rollback);
    rollback.forEach(w::apply);
    assertEquals(Set.of("i-1", "i-2"), w.dns);
    // The next attempt uses a new generation, never the failed one's number.
    assertEquals(new Launch(3, 2), planner.plan(Operation.REPLACE, w.state(), 2).steps().get(0));
  }

  @Test
  void replaceOfARegionNotInDnsAndAddDuringAReplaceAreRefusedWithTheWayOut() {
    assertEquals(
        "region eu-west-1 is not in DNS: run region add first",
        planner.plan(Operation.REPLACE, new World().state(), 2).error());
    World w = serving(1, 2);
    w.launch(2, 2);
    RegionPlan add = planner.plan(Operation.ADD, w.state(), 2);
    assertTrue(add.error().endsWith("run region replace to finish"), add.error());
    assertTrue(add.isEmpty());
  }

  @Test
  void addAfterAnAbandonedLaunchUsesItAndTerminatesOlderLeftovers() {
    World w = new World();
    w.launch(1, 1).launch(2, 2);
    assertEquals(
        List.of(new WaitHealthy(2), new PointDns(2), new Terminate(List.of(1))),
        planner.plan(Operation.ADD, w.state(), 2).steps());
  }
}
