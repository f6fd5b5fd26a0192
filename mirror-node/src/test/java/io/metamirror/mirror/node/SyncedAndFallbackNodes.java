package io.metamirror.mirror.node;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Two nodes of one origin that has published a test's files: {@code local} has synced them, so it
 * answers from its store; {@code fallback}'s agent cannot reach any feed, so its store stays empty
 * and every answer is the origin's, through the fallback. For tests that check a behaviour both
 * ways.
 */
record SyncedAndFallbackNodes(NodeTestbed testbed, MirrorNode local, MirrorNode fallback)
    implements AutoCloseable {
  /** Where nothing listens: port 1. */
  private static final URI NO_FEED = URI.create("http://127.0.0.1:1/");

  static SyncedAndFallbackNodes start(Path dir, Map<String, byte[]> files) throws Exception {
    NodeTestbed testbed = NodeTestbed.start(dir, files);
    MirrorNode local = null;
    try {
      local = testbed.startCaughtUp(testbed.config("local"));
      MirrorNode fallback =
          MirrorNode.start(testbed.config("fallback", testbed.origin().uri(), NO_FEED));
      return new SyncedAndFallbackNodes(testbed, local, fallback);
    } catch (Exception | AssertionError e) {
      TestNodes.closeAll(local, testbed);
      throw e;
    }
  }

  /** {@code local} or {@code origin}: the node whose answers come from there. */
  MirrorNode node(String source) {
    return switch (source) {
      case "local" -> local;
      case "origin" -> fallback;
      default -> throw new IllegalArgumentException("source is local or origin: " + source);
    };
  }

  @Override
  public void close() throws IOException {
    TestNodes.closeAll(local, fallback, testbed);
  }
}
