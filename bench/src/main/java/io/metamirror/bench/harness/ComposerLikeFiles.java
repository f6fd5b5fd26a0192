package io.metamirror.bench.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The generated tree the benchmarks publish: file {@code i} is {@code p2/vendorNNN/pkgNNNNN.json}
 * (1,000 vendor directories), valid Composer-like JSON of about {@code size} bytes (0.75 to 1.25
 * times), or of {@link #packagistShaped packagist's size distribution}, the same bytes for the same
 * seed on every run, so that runs compare and a reference copy can be written without keeping the
 * tree in memory.
 */
public final class ComposerLikeFiles {
  private static final int KIB = 1024;

  /** The first buffer of the product's {@code TwinEncoder} (sync-agent), and its gzip framing. */
  private final long seed;

  private final int size; // 0: packagist-shaped

  public ComposerLikeFiles(long seed, int size) {
    this.seed = seed;
    this.size = size;
  }

  /**
   * Files shaped like packagist.org's metadata: 92 % of 1 to 5 KiB (uniform), 7.5 % of 5 to 64 KiB
   * and 0.5 % of 64 KiB to 1 MiB (both log-uniform: the long tail of packages with thousands of
   * versions). About 6 KiB on average.
   */
  public static ComposerLikeFiles packagistShaped(long seed) {
    return new ComposerLikeFiles(seed, 0);
  }

  /** The nominal size of every file, 0 for {@link #packagistShaped}. */
  public int size() {
    return size;
  }

  public static String path(int i) {
    return "p2/" + packageName(i) + ".json";
  }

  /** The URL paths of files 0 to {@code count - 1}, one a line ({@code /p2/…}): wrk's list. */
  public static String urlPaths(int count) {
    StringBuilder sb = new StringBuilder(count * 32);
    for (int i = 0; i < count; i++) {
      sb.append('/').append(path(i)).append('\n');
    }
    return sb.toString();
  }

  /** vendorNNN/pkgNNNNN; by hand, since String.format is too slow for per-entry feed checks. */
  public static String packageName(int i) {
    return "vendor" + zeroPad(i % 1000, 3) + "/pkg" + zeroPad(i, 5);
  }

  public byte[] content(int i) {
    return content(i, 0);
  }

  /** Version {@code version} of file {@code i}; version 0 is what a tree is published with. */
  public byte[] content(int i, int version) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i + 7_919L * version);
    int target =
        size > 0
            ? Math.max(64, size * 3 / 4 + random.nextInt(size / 2 + 1))
            : packagistSize(random);
    String name = packageName(i);
    StringBuilder sb = new StringBuilder(target + 64);
    sb.append("{\"packages\":{\"").append(name).append("\":[");
    String closing = "]},\"pad\":\"\"}";
    int major = random.nextInt(10);
    for (int v = 0; ; v++) {
      StringBuilder entry = new StringBuilder(360);
      if (v > 0) {
        entry.append(',');
      }
      String number = major + "." + v + "." + random.nextInt(20);
      entry
          .append("{\"name\":\"")
          .append(name)
          .append("\",\"version\":\"")
          .append(number)
          .append("\",\"version_normalized\":\"")
          .append(number)
          .append(".0\",\"dist\":{\"type\":\"zip\",\"url\":\"https://example.invalid/dist/")
          .append(hex(random, 40))
          .append(".zip\",\"shasum\":\"")
          .append(hex(random, 40))
          .append("\"},\"require\":{\"php\":\">=8.")
          .append(random.nextInt(4))
          .append("\",\"")
          .append(packageName(random.nextInt(100_000)))
          .append("\":\"^")
          .append(random.nextInt(5))
          .append('.')
          .append(random.nextInt(10))
          .append("\"},\"time\":\"2025-")
          .append(zeroPad(1 + random.nextInt(12), 2))
          .append('-')
          .append(zeroPad(1 + random.nextInt(28), 2))
          .append("T00:00:00+00:00\"}");
      if (v > 0 && sb.length() + entry.length() + closing.length() > target) {
        break;
      }
      sb.append(entry);
    }
    sb.append("]},\"pad\":\"");
    int pad = target - sb.length() - 2;
    for (int k = 0; k < pad; k++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    sb.append("\"}");
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    return bytes;
  }

  /**
   * The body of a batch publish ({@code {"changes":[{"op":"put","path":…,"content":base64}…]}}) of
   * files {@code from} to {@code to - 1}. Their sizes go to {@code sizes[i]} and their bytes to
   * {@code keep}, each when not null.
   */
  public byte[] batchBody(int from, int to, int[] sizes, List<byte[]> keep) throws IOException {
    int[] files = new int[to - from];
    for (int i = from; i < to; i++) {
      files[i - from] = i;
    }
    return batchBody(files, new int[files.length], sizes, keep);
  }

  /**
   * The same for version {@code versions[k]} of file {@code files[k]}, each k; a file at most once.
   */
  public byte[] batchBody(int[] files, int[] versions, int[] sizes, List<byte[]> keep)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(files.length * (size * 4 / 3 + 80));
    Base64.Encoder base64 = Base64.getEncoder();
    out.write("{\"changes\":[".getBytes(StandardCharsets.US_ASCII));
    for (int k = 0; k < files.length; k++) {
      int i = files[k];
      byte[] content = content(i, versions[k]);
      if (sizes != null) {
        sizes[i] = content.length;
      }
      if (keep != null) {
        keep.add(content);
      }
      out.write(
          ((k > 0 ? "," : "") + "{\"op\":\"put\",\"path\":\"" + path(i) + "\",\"content\":\"")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(base64.encode(content));
      out.write("\"}".getBytes(StandardCharsets.US_ASCII));
    }
    out.write("]}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /**
   * Writes files 0 to {@code count - 1} under {@code root}, each checked against the size it was
   * published with (a reference must copy the same bytes), then flushes them all ({@code sync}) so
   * that their writeback is not billed to the measurement that follows. Returns the seconds taken.
   */
  public double writeTree(Path root, int count, int[] sizes, ChildProcesses processes)
      throws IOException, InterruptedException {
    Stopwatch clock = Stopwatch.start();
    for (int i = 0; i < count; i++) {
      Path file = root.resolve(path(i));
      if (i < 1000) { // file i lives in vendor i % 1000: the first thousand create them all
        Files.createDirectories(file.getParent());
      }
      byte[] content = content(i);
      if (content.length != sizes[i]) {
        throw new BenchFailure("the content generator is not deterministic");
      }
      Files.write(file, content);
    }
    processes.run("sync");
    return clock.seconds();
  }

  /**
   * Writes version {@code version} of each file in {@code files} under {@code root} (creating its
   * directory), its size to {@code sizes[i]}. Returns the bytes written.
   */
  public long writeFiles(Path root, int[] files, int version, int[] sizes) throws IOException {
    long bytes = 0;
    for (int i : files) {
      Path file = root.resolve(path(i));
      Files.createDirectories(file.getParent());
      byte[] content = content(i, version);
      sizes[i] = content.length;
      Files.write(file, content);
      bytes += content.length;
    }
    return bytes;
  }

  private static int packagistSize(SplittableRandom random) {
    double u = random.nextDouble();
    if (u < 0.92) {
      return KIB + random.nextInt(4 * KIB + 1);
    }
    return u < 0.995
        ? logUniform(random, 5 * KIB, 64 * KIB)
        : logUniform(random, 64 * KIB, KIB * KIB);
  }

  private static int logUniform(SplittableRandom random, int from, int to) {
    return (int) Math.round(from * Math.pow((double) to / from, random.nextDouble()));
  }

  private static String zeroPad(int n, int width) {
    String digits = Integer.toString(n);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  private static String hex(SplittableRandom random, int n) {
    char[] c = new char[n];
    for (int k = 0; k < n; k++) {
      c[k] = "0123456789abcdef".charAt(random.nextInt(16));
    }
    return new String(c);
  }
}
