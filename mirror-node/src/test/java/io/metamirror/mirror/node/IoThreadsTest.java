package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server runs as many I/O threads as configured, two per CPU (at least 8) by default. */
class IoThreadsTest {
  private static final Pattern IO_THREAD = Pattern.compile("XNIO-\\d+ I/O-\\d+");

  // Nothing listens on the discard port: the agent backs off, the server serves regardless.
  private static final URI NO_ORIGIN = URI.create("http://127.0.0.1:9");

  @TempDir Path dir;

  @Test
  void theServerRunsTheConfiguredNumberOfIoThreads() throws Exception {
    assertEquals(3, ioThreadsOf(MirrorNode.Config.defaults(NO_ORIGIN, dir).withIoThreads(3)));
  }

  @Test
  void byDefaultTwoPerCpuAndAtLeastEight() throws Exception {
    int expected = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

    assertEquals(expected, MirrorNode.Config.defaultIoThreads());
    assertEquals(expected, ioThreadsOf(MirrorNode.Config.defaults(NO_ORIGIN, dir)));
  }

  @Test
  void aNegativeCountIsRefused() {
    MirrorNode.Config config = MirrorNode.Config.defaults(NO_ORIGIN, dir);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> config.withIoThreads(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  /** I/O threads that appeared while the node started; they belong to its own XNIO worker. */
  private static int ioThreadsOf(MirrorNode.Config config) throws Exception {
    Set<String> before = ioThreadNames();
    try (MirrorNode node = MirrorNode.start(config)) {
      Set<String> started = ioThreadNames();
      started.removeAll(before);
      Set<String> workers =
          started.stream().map(n -> n.substring(0, n.indexOf(' '))).collect(Collectors.toSet());
      assertEquals(1, workers.size(), "one new XNIO worker: " + started);
      return started.size();
    }
  }

  private static Set<String> ioThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> IO_THREAD.matcher(n).matches())
        .collect(Collectors.toSet());
  }
}
