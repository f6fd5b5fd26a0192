package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.testsupport.poll.Polling;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Damage done to a node's store as a disk or a careless operator would, and its repair. */
final class StoreDamage {
  private StoreDamage() {}

  /** The same number of bytes, every one of them different. */
  static byte[] flipped(byte[] content) {
    byte[] damaged = content.clone();
    for (int i = 0; i < damaged.length; i++) {
      damaged[i] ^= 0x5a;
    }
    return damaged;
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  /** What {@code twin} inflates to; null when it is not gzip. */
  static byte[] inflated(Path twin) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(twin))) {
      return in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The sync agent re-fetched the damaged {@code path} (and its twin) into {@code store}, and the
   * node serves it again: waits for the repair, which runs on the agent's repair thread.
   */
  static void assertRepaired(
      NodeTestbed testbed, MirrorNode node, Path store, String path, byte[] expected)
      throws Exception {
    Path file = store.resolve(path);
    Path twin = store.resolve(path + ".gz");
    Polling.await(
        "the store's " + path + " and its twin to be repaired",
        () ->
            Arrays.equals(expected, Files.readAllBytes(file))
                && Arrays.equals(expected, inflated(twin)));
    HttpResponse<byte[]> again = testbed.client().get(node, "/" + path);
    assertEquals("local", header(again, "X-Metamirror-Source"));
    assertArrayEquals(expected, again.body());
  }
}
