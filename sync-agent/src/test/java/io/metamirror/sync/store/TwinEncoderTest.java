package io.metamirror.sync.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinEncoderTest {
  @TempDir Path tmp;

  @Test
  void aTwinIsTheSameGzipMemberAFastGzipOutputStreamWrites() throws Exception {
    byte[] content = json(5000);
    TwinEncoder encoder = TwinEncoder.forThisThread();

    int n = encoder.encode(content, content.length);

    assertTrue(n > 0 && n < content.length, "smaller: " + n);
    assertArrayEquals(fastGzip(content), Arrays.copyOf(encoder.bytes(), n));
    assertArrayEquals(content, gunzip(Arrays.copyOf(encoder.bytes(), n)));
  }

  /**
   * A file whose deflated body ends within the last 8 bytes of the encoder's first 16 KiB buffer
   * (found by the scale benchmark: one packagist-shaped file in 100,000): the gzip trailer used to
   * be written past the buffer, and the ArrayIndexOutOfBoundsException stopped the sync agent.
   */
  @Test
  void aTwinWhoseTrailerCrossesTheFirstBufferIsWhole() throws Exception {
    int buffer = 16 * 1024;
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    byte[] scratch = new byte[64 * 1024];
    Random random = new Random(1);
    StringBuilder text = new StringBuilder("{\"pad\":\"");
    byte[] content = null;
    while (content == null && text.length() < 60_000) {
      text.append((char) ('a' + random.nextInt(26)));
      byte[] candidate = (text + "\"}").getBytes(StandardCharsets.US_ASCII);
      deflater.reset();
      deflater.setInput(candidate);
      deflater.finish();
      long deflated = 0;
      while (!deflater.finished()) {
        deflated += deflater.deflate(scratch);
      }
      long trailerAt = 10 + deflated; // after the 10-byte gzip header
      if (trailerAt <= buffer && trailerAt + 8 > buffer && trailerAt + 8 < candidate.length) {
        content = candidate;
      }
    }
    assertTrue(content != null, "no content whose trailer crosses the first buffer");

    TwinEncoder encoder = TwinEncoder.forThisThread();
    int n = encoder.encode(content, content.length);

    assertTrue(n > buffer, "the twin ends past the first buffer: " + n);
    assertArrayEquals(content, gunzip(Arrays.copyOf(encoder.bytes(), n)));
  }

  @Test
  void oneEncoderMakesManyTwinsInARowEachWhole() throws Exception {
    TwinEncoder encoder = TwinEncoder.forThisThread();
    for (int size : new int[] {100, 70_000, 300, 3000}) {
      byte[] content = json(size);
      int n = encoder.encode(content, content.length);
      assertTrue(n > 0, "a twin for " + size + " bytes");
      assertArrayEquals(content, gunzip(Arrays.copyOf(encoder.bytes(), n)), "size " + size);
    }
  }

  @Test
  void contentThatDoesNotShrinkGetsNoTwin() throws Exception {
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    byte[] tiny = "{}".getBytes(StandardCharsets.UTF_8);

    assertEquals(-1, TwinEncoder.forThisThread().encode(random, random.length));
    assertEquals(-1, TwinEncoder.forThisThread().encode(tiny, tiny.length));
    assertFalse(Store.writeTwin(random, random.length, tmp.resolve("random.gz")));
    assertFalse(Files.exists(tmp.resolve("random.gz")), "nothing written");
  }

  @Test
  void aTwinWrittenFromAFileEqualsTheOneMadeInMemory() throws Exception {
    byte[] content = json(20_000);
    Path file = tmp.resolve("p.json");
    Files.write(file, content);

    assertTrue(Store.writeTwin(file, tmp.resolve("from-file.gz")));
    assertTrue(Store.writeTwin(content, content.length, tmp.resolve("from-memory.gz")));

    assertArrayEquals(
        Files.readAllBytes(tmp.resolve("from-memory.gz")),
        Files.readAllBytes(tmp.resolve("from-file.gz")));
  }

  private static byte[] json(int size) {
    StringBuilder out = new StringBuilder("{\"versions\":[");
    for (int i = 0; out.length() < size; i++) {
      out.append("{\"version\":\"1.").append(i).append(".0\",\"require\":{\"php\":\">=8.1\"}},");
    }
    return out.substring(0, size).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] fastGzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out =
        new GZIPOutputStream(bytes) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  private static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
