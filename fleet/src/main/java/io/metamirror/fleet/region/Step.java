package io.metamirror.fleet.region;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One step of a region operation. Steps name generations, not instances: the instances of a
 * generation are looked up when the step runs, so a plan made before a launch is complete. {@link
 * #changesState} tells the steps that change EC2 or Route53 from the waits, which change nothing
 * and are therefore repeated when an interrupted operation resumes.
 */
public sealed interface Step {
  /** One line for {@code --plan} and progress. */
  String describe();

  boolean changesState();

  /** Launch {@code count} more instances of {@code generation}. */
  record Launch(int generation, int count) implements Step {
    @Override
    public String describe() {
      return "launch "
          + count
          + " instance"
          + (count == 1 ? "" : "s")
          + " of generation "
          + generation;
    }

    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Wait until every instance of {@code generation} is healthy and synced, or roll back. */
  record WaitHealthy(int generation) implements Step {
    @Override
    public String describe() {
      return "wait until generation " + generation + " is healthy and synced";
    }

    @Override
    public boolean changesState() {
      return false;
    }
  }

  /**
   * Make the region's records point at exactly the instances of {@code generation}: one change
   * batch, waited on until INSYNC (the gateway's apply), so the wait leaves its mark with the
   * change.
   */
  record PointDns(int generation) implements Step {
    @Override
    public String describe() {
      return "point the region's DNS records at generation "
          + generation
          + " (one change batch, until INSYNC)";
    }

    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Take the region out of DNS: one change batch, waited on until INSYNC. */
  record RemoveFromDns() implements Step {
    @Override
    public String describe() {
      return "remove the region's DNS records (one change batch, until INSYNC)";
    }

    @Override
    public boolean changesState() {
      return true;
    }
  }

  /** Wait one TTL and a margin, so resolvers forget the records that changed. */
  record WaitTtl() implements Step {
    @Override
    public String describe() {
      return "wait one TTL and a margin for resolvers' caches";
    }

    @Override
    public boolean changesState() {
      return false;
    }
  }

  /** Terminate the live instances of these generations (their nodes drain on SIGTERM). */
  record Terminate(List<Integer> generations) implements Step {
    public Terminate {
      generations = List.copyOf(generations);
    }

    @Override
    public String describe() {
      return "terminate generation"
          + (generations.size() == 1 ? " " : "s ")
          + generations.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    @Override
    public boolean changesState() {
      return true;
    }
  }
}
