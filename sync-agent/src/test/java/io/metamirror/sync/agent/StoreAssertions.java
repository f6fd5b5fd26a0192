package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** What a store looks like from outside: its content files, twins, temp files. */
final class StoreAssertions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreAssertions() {}

  /** Content files (not twins of other content, not state), path → bytes. */
  static Map<String, byte[]> contentFiles(Path store, Map<String, ?> expectedPaths)
      throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    for (Path p : contentTree(store)) {
      String rel = store.relativize(p).toString();
      if (rel.endsWith(".gz") && !expectedPaths.containsKey(rel)) {
        continue; // a twin
      }
      out.put(rel, Files.readAllBytes(p));
    }
    return out;
  }

  /**
   * Every regular file outside {@code .metamirror/}, which is not walked: a running agent writes
   * its status and stages snapshots there at any moment.
   */
  static List<Path> contentTree(Path store) throws IOException {
    Path state = store.resolve(Store.STATE_DIR);
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        store,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(state) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // a temp file the agent deleted as we walked by
            }
            throw e;
          }
        });
    return files;
  }

  /**
   * The store equals the tree byte for byte, mtimes are entry times, twins match, no temp files.
   */
  static void assertStoreEquals(Map<String, byte[]> tree, Map<String, Long> times, Path store)
      throws IOException {
    Map<String, byte[]> files = contentFiles(store, tree);
    assertEquals(tree.keySet(), files.keySet(), "the same paths");
    for (Map.Entry<String, byte[]> e : tree.entrySet()) {
      assertArrayEquals(e.getValue(), files.get(e.getKey()), "content of " + e.getKey());
      Path file = store.resolve(e.getKey());
      assertEquals(
          (long) times.get(e.getKey()),
          Files.getLastModifiedTime(file).toMillis(),
          "mtime of " + e.getKey() + " is its journal time");
      Path twin = file.resolveSibling(file.getFileName() + ".gz");
      if (Files.exists(twin) && !tree.containsKey(e.getKey() + ".gz")) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(twin))) {
          assertArrayEquals(e.getValue(), in.readAllBytes(), "twin of " + e.getKey());
        }
      }
    }
    assertNoTempFiles(store);
  }

  /**
   * The seq of the store's cursor, read from its file: the store cannot be opened while another
   * process, an agent under test, holds it.
   */
  static long cursorSeq(Path store) throws IOException {
    Path cursor = store.resolve(Store.STATE_DIR).resolve("cursor");
    return JSON.readTree(Files.readAllBytes(cursor)).get("seq").asLong();
  }

  static void assertNoTempFiles(Path store) throws IOException {
    for (Path p : contentTree(store)) {
      assertTrue(
          !p.getFileName().toString().startsWith("."),
          "no dot-named file in the content tree: " + p);
    }
  }
}
