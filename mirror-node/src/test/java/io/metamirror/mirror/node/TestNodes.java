package io.metamirror.mirror.node;

import io.metamirror.protocol.health.SyncState;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.testsupport.poll.Polling;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Mirror nodes on loopback port 0 over HTTPS with the test CA. */
final class TestNodes {
  private TestNodes() {}

  /** A node syncing from and falling back to {@code origin}. */
  static MirrorNodeConfig config(URI origin, Path store, TestTls tls, String nodeId) {
    return config(origin, origin, store, tls, nodeId);
  }

  /**
   * A node that syncs from {@code syncOrigin} and sends local misses to {@code fallbackOrigin}; the
   * two differ only when a test puts a seam in front of the fallback.
   */
  static MirrorNodeConfig config(
      URI fallbackOrigin, URI syncOrigin, Path store, TestTls tls, String nodeId) {
    return MirrorNodeConfig.defaults(fallbackOrigin, store)
        .withListener(MirrorNodeConfig.Listener.tls("127.0.0.1", 0, tls.server()))
        .withIdentity("eu-west-1", nodeId)
        .withSync(SyncAgent.Config.defaults(syncOrigin).withParallel(4));
  }

  static MirrorNode startCaughtUp(MirrorNodeConfig config, long head) throws Exception {
    MirrorNode node = MirrorNode.start(config);
    try {
      awaitCaughtUp(node, head);
    } catch (Exception | AssertionError e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** The node's store is at {@code seq} (or later) and its agent is following the feed. */
  static void awaitCaughtUp(MirrorNode node, long seq) throws Exception {
    Polling.await(
        "node " + node.uri() + " to reach seq " + seq,
        () ->
            node.syncStatus().appliedSeq() >= seq
                && node.syncStatus().state() == SyncState.FOLLOWING,
        () -> "; last status " + node.syncStatus());
  }

  /** Closes each in order; the first failure is thrown once all were tried. */
  static void closeAll(AutoCloseable... closeables) throws IOException {
    IOException first = null;
    for (AutoCloseable c : closeables) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          if (first == null) {
            first = e instanceof IOException io ? io : new IOException(e);
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
