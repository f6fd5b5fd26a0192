package io.metamirror.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The scale benchmark's tree: packagist's size shape. */
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
}
