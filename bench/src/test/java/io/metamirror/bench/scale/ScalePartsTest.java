package io.metamirror.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --skip}: a mistyped part must fail the run, not silently measure it anyway. */
class ScalePartsTest {
  @TempDir Path workspace;

  @Test
  void skippedPartsDoNotRunAndTheOthersDo() throws Exception {
    try (ScaleParts parts = ScaleParts.start("tls, freshness", workspace)) {
      assertFalse(parts.runs("tls"));
      assertFalse(parts.runs("freshness"));
      assertTrue(parts.runs("serve"));
      assertTrue(parts.runs("catch-up"));
    }
  }

  @Test
  void anUnknownPartIsRefusedWithTheListOfParts() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ScaleParts.start("tsl", workspace));
    assertEquals(
        "--skip: unknown part tsl; parts: catch-up,feed,freshness,issue-setup,serve,tls",
        e.getMessage());
  }
}
