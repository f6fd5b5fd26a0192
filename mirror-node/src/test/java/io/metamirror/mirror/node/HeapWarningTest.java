package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapWarningTest {
  private static final long MIB = 1L << 20;

  @Test
  void launcherDefaultHeapIsEnoughForAHundredThousandFilesAndTheDefaultCache() {
    assertNull(
        MirrorNode.heapWarning(
            384 * MIB, 100_000, MirrorNodeConfig.Serving.DEFAULT_FILE_CACHE_BYTES));
  }

  @Test
  void launcherDefaultHeapIsEnoughForAMillionFilesBootstrappingBesideTheDefaultCache() {
    assertNull(
        MirrorNode.heapWarning(
            640 * MIB, 1_000_000, MirrorNodeConfig.Serving.DEFAULT_FILE_CACHE_BYTES));
  }

  @Test
  void twoMillionFilesInTheDefaultHeapAreWarnedAboutWithAHeapThatWouldDo() {
    String warning =
        MirrorNode.heapWarning(
            384 * MIB, 2_000_000, MirrorNodeConfig.Serving.DEFAULT_FILE_CACHE_BYTES);

    assertTrue(warning != null && warning.contains("files=2000000"), warning);
    String suggested = warning.replaceAll(".*-Xmx(\\d+)m.*", "$1");
    // 2,000,000 files at 440 B, the 64 MiB cache and 64 MiB of headroom: 967 MiB
    assertTrue(Integer.parseInt(suggested) >= 967, warning);
  }
}
