package io.metamirror.mirror.node;

import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a one-test node scenario starts from, in the test's directory: a {@link TestOrigin} that has
 * published the test's files, a test CA, and a client trusting it. The test starts its nodes and
 * closes them; closing this closes the origin.
 *
 * @param client trusts the CA; a test that needs a second client makes it from {@link #tls()}
 */
record NodeTestbed(Path dir, TestOrigin origin, TestTls tls, HttpsClient client)
    implements AutoCloseable {

  /** An origin that has published only a {@code packages.json}: for tests about anything else. */
  static NodeTestbed start(Path dir) throws IOException {
    return start(
        dir, Map.of("packages.json", "{\"packages\":[]}".getBytes(StandardCharsets.UTF_8)));
  }

  /** An origin in {@code dir/origin} that has published {@code files}; a CA in {@code dir/tls}. */
  static NodeTestbed start(Path dir, Map<String, byte[]> files) throws IOException {
    TestOrigin origin = TestOrigin.start(dir.resolve("origin"));
    try {
      origin.publish(files);
      TestTls tls = TestTls.create(dir.resolve("tls"));
      return new NodeTestbed(dir, origin, tls, new HttpsClient(tls));
    } catch (IOException | RuntimeException e) {
      origin.close();
      throw e;
    }
  }

  /**
   * Node {@code nodeId}, its store {@code dir/nodeId}, syncing from the origin, falling back to it.
   */
  MirrorNodeConfig config(String nodeId) {
    return config(nodeId, origin.uri(), origin.uri());
  }

  /** The same through other addresses: a seam in front of the origin for either or both. */
  MirrorNodeConfig config(String nodeId, URI fallbackOrigin, URI syncOrigin) {
    return TestNodes.config(fallbackOrigin, syncOrigin, dir.resolve(nodeId), tls, nodeId);
  }

  /** Starts the node and waits until it has all the origin has published and follows the feed. */
  MirrorNode startCaughtUp(MirrorNodeConfig config) throws Exception {
    return TestNodes.startCaughtUp(config, origin.head());
  }

  @Override
  public void close() throws IOException {
    origin.close();
  }
}
