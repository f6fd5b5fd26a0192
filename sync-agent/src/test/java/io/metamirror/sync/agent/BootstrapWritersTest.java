package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** A bootstrap writes with one batch per CPU (at least 2), never more than --parallel. */
class BootstrapWritersTest {
  private static final SyncAgent.Config CONFIG =
      SyncAgent.Config.defaults(URI.create("http://127.0.0.1:9"));
  private static final int CPUS = Runtime.getRuntime().availableProcessors();

  @Test
  void onePerCpuAndAtLeastTwoWhenParallelAllowsMore() {
    assertEquals(Math.max(2, CPUS), SyncAgent.bootstrapWriters(CONFIG.withParallel(1024)));
  }

  @Test
  void neverMoreThanParallel() {
    assertEquals(1, SyncAgent.bootstrapWriters(CONFIG.withParallel(1)));
  }
}
