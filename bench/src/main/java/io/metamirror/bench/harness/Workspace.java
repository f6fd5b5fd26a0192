package io.metamirror.bench.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The temp directory of one run: data directories, stores, trees, tokens, configurations and logs.
 * It is created under {@code $BENCH_TMP}, else {@code $TMPDIR}, else /tmp; that choice decides
 * which disk the benchmark measures. Deleted at the end unless {@code BENCH_KEEP} is set.
 */
public final class Workspace {
  private final Path root;

  private Workspace(Path root) {
    this.root = root;
  }

  static Workspace create() throws IOException {
    String parent = System.getenv("BENCH_TMP");
    if (parent == null || parent.isEmpty()) {
      parent = System.getenv("TMPDIR");
    }
    if (parent == null || parent.isEmpty()) {
      parent = "/tmp";
    }
    Path root = Files.createTempDirectory(Path.of(parent), "metamirror-bench.");
    // nginx's workers may run as another user (nobody): they must reach what they serve.
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new Workspace(root.toAbsolutePath());
  }

  public Path root() {
    return root;
  }

  /** A path in the workspace, not created (a log, a store a process will create). */
  public Path file(String name) {
    return root.resolve(name);
  }

  /** A directory in the workspace, created readable by all (nginx may serve it). */
  public Path directory(String name) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /** A new random API token in a file only we can read, as an operator would keep it. */
  public Path token(String name) throws IOException {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    Path file = root.resolve(name);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(secret));
    return file;
  }

  /**
   * Shows the end of every log when the run failed (the cause is usually there), then deletes the
   * directory, or keeps it when {@code BENCH_KEEP} is set.
   */
  void close(boolean failed) {
    if (failed) {
      try (DirectoryStream<Path> logs = Files.newDirectoryStream(root, "*.log")) {
        for (Path log : logs) {
          System.err.printf(
              "[bench] %s (last 20 lines):%n%s%n",
              log, ChildProcesses.lastLines(log, 20, System.lineSeparator()));
        }
      } catch (IOException e) {
        // nothing to show
      }
    }
    String keep = System.getenv("BENCH_KEEP");
    if (keep != null && !keep.isEmpty()) {
      System.err.println("[bench] kept " + root);
      return;
    }
    // rm, not a Java walk: a tree of 100,000 files goes several times faster.
    try {
      new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor();
    } catch (IOException e) {
      System.err.println("[bench] could not delete " + root + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
