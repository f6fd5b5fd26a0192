package io.metamirror.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.sync.store.TwinEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The scale benchmark's tree: packagist's size shape, and files the product's twins survive. */
class ComposerLikeFilesTest {
  private static final int KIB = 1024;

  @Test
  void packagistShapedFilesAreMostlyOneToFiveKibWithATailToOneMib() throws Exception {
    ComposerLikeFiles tree = ComposerLikeFiles.packagistShaped(42);
    int files = 4_000;
    int small = 0;
    int tail = 0;
    int largest = 0;
    for (int i = 0; i < files; i++) {
      byte[] content = tree.content(i);
      int n = content.length;
      small += n >= KIB && n <= 5 * KIB ? 1 : 0;
      tail += n > 64 * KIB ? 1 : 0;
      largest = Math.max(largest, n);
      if (i % 500 == 0) { // valid JSON, and the same bytes every time
        new ObjectMapper().readTree(content);
        assertArrayEquals(content, ComposerLikeFiles.packagistShaped(42).content(i));
      }
    }
    assertTrue(small > files * 0.88, small + " of " + files + " files of 1 to 5 KiB");
    assertTrue(tail > 0, "no file above 64 KiB");
    assertTrue(largest <= KIB * KIB + 16, "largest file " + largest);
    int fixed = new ComposerLikeFiles(42, 2_048).content(7).length;
    assertTrue(fixed >= 1_536 && fixed <= 2_560, "fixed-size file of " + fixed + " bytes");
  }

  /**
   * A file whose gzip member ends in the last 8 bytes of TwinEncoder's first buffer makes the
   * product throw (the bug the generator works around); the nudged file makes a valid twin.
   */
  @Test
  void aFileThatOverflowsTheProductsTwinBufferIsNudgedClearOfIt() throws Exception {
    ComposerLikeFiles tree = ComposerLikeFiles.packagistShaped(42);
    byte[] overflowing = null;
    StringBuilder pad = new StringBuilder();
    SplittableRandom random = new SplittableRandom(1);
    for (int length = 0; length < 40_000 && overflowing == null; length++) {
      pad.append((char) ('a' + random.nextInt(26)));
      byte[] candidate = ("{\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.US_ASCII);
      if (tree.overflowsTwinBuffer(candidate)) {
        overflowing = candidate;
      }
    }
    assertTrue(overflowing != null, "no overflowing candidate found");
    byte[] raw = overflowing;
    assertThrows(
        ArrayIndexOutOfBoundsException.class,
        () -> TwinEncoder.forThisThread().encode(raw, raw.length),
        "TwinEncoder no longer overflows: remove ComposerLikeFiles.clearOfTwinOverflow");

    byte[] nudged = tree.clearOfTwinOverflow(raw);
    assertTrue(nudged.length > raw.length);
    assertEquals(1, tree.nudged());
    assertFalse(tree.overflowsTwinBuffer(nudged));
    new ObjectMapper().readTree(nudged);
    TwinEncoder encoder = TwinEncoder.forThisThread();
    int n = encoder.encode(nudged, nudged.length);
    assertTrue(n > 0);
    ByteArrayOutputStream unzipped = new ByteArrayOutputStream();
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(encoder.bytes(), 0, n))) {
      in.transferTo(unzipped);
    }
    assertArrayEquals(nudged, unzipped.toByteArray());
  }
}
