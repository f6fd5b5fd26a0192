package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntityTagsTest {
  private static final Sha256 FOO = Sha256.of("foo".getBytes(StandardCharsets.UTF_8));
  private static final String HEX =
      "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

  @Test
  void plainTagIsTheQuotedSha256() {
    assertEquals('"' + HEX + '"', EntityTags.of(FOO));
    assertEquals(EntityTags.of(FOO), EntityTags.of(FOO, false));
  }

  @Test
  void gzipTagIsTheSha256OfThePlainBytesWithASuffix() {
    assertEquals('"' + HEX + "-gzip\"", EntityTags.gzipOf(FOO));
    assertEquals(EntityTags.gzipOf(FOO), EntityTags.of(FOO, true));
  }

  @Test
  void gzipTagDoesNotRevalidateThePlainRepresentation() {
    ConditionalRequest gzipCopy = new ConditionalRequest(EntityTags.gzipOf(FOO), null);
    assertFalse(gzipCopy.notModified(EntityTags.of(FOO), Instant.EPOCH));
  }
}
