package io.metamirror.bench.scale;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ChildProcesses;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.Samples;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The tree of the scale benchmark on disk: {@code files} packagist-shaped files, the sizes each was
 * last written with, and the checks every copy of it (a store, an rsync destination) must pass.
 */
final class ScaleTree {
  private final ComposerLikeFiles generator;
  private final Path root;
  private final int files;
  private final int[] sizes;

  private ScaleTree(ComposerLikeFiles generator, Path root, int files) {
    this.generator = generator;
    this.root = root;
    this.files = files;
    this.sizes = new int[files];
  }

  /** Writes files 0 to {@code files - 1} under {@code root}; prints their size distribution. */
  static ScaleTree generate(long seed, Path root, int files) throws IOException {
    ScaleTree tree = new ScaleTree(ComposerLikeFiles.packagistShaped(seed), root, files);
    long bytes =
        tree.generator.writeFiles(root, IntStream.range(0, files).toArray(), 0, tree.sizes);
    Samples kib = new Samples();
    for (int size : tree.sizes) {
      kib.add(size / 1024.0);
    }
    System.out.printf(
        Locale.ROOT,
        "tree: %,d files, %,.0f MB, mean %.1f KiB; %s%n",
        files,
        bytes / 1048576.0,
        bytes / 1024.0 / files,
        kib.summary(1, "KiB", 50, 90, 99, 100));
    return tree;
  }

  Path root() {
    return root;
  }

  int files() {
    return files;
  }

  /** File {@code i}'s first version; beyond {@code files}, a file new to the tree. */
  byte[] content(int i) {
    return generator.content(i);
  }

  /**
   * Rewrites {@code changes} files spread evenly over the tree (file {@code k * files / changes})
   * with their version 1, another size; returns their indices.
   */
  int[] change(int changes) throws IOException {
    int[] changed = new int[changes];
    for (int k = 0; k < changes; k++) {
      changed[k] = (int) ((long) k * files / changes);
    }
    generator.writeFiles(root, changed, 1, sizes);
    return changed;
  }

  /** Fails unless every file is at its path under {@code copy} with its latest size. */
  void check(Path copy, String what) throws BenchFailure {
    for (int i = 0; i < files; i++) {
      if (new File(copy.toFile(), ComposerLikeFiles.path(i)).length() != sizes[i]) {
        throw new BenchFailure(
            what + ": " + ComposerLikeFiles.path(i) + " is missing or has the wrong size");
      }
    }
  }

  /** {@link #check}, and the store's cursor at {@code head}. */
  void checkStore(Path store, long head, String what) throws BenchFailure {
    long seq = JsonFields.cursorSeq(store);
    if (seq != head) {
      throw new BenchFailure(what + ": cursor at " + seq + ", the origin's head is " + head);
    }
    check(store, what);
  }

  /** Space a directory takes on disk ({@code du -sk}: blocks, not bytes), in MB. */
  static double diskMb(ChildProcesses processes, Path dir)
      throws IOException, InterruptedException {
    String out = processes.output(List.of("du", "-sk", dir.toString()), Duration.ofMinutes(10));
    return Long.parseLong(out.trim().split("\\s+")[0]) / 1024.0;
  }
}
