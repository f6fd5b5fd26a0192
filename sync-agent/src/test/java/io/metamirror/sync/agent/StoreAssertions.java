package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** What a store looks like from outside: its content files, twins, temp files. */
final class StoreAssertions {
  private StoreAssertions() {}

  /** Content files (not twins of other content, not state), path → bytes. */
  static Map<String, byte[]> contentFiles(Path store, Map<String, ?> expectedPaths)
      throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (Stream<Path> walk = Files.walk(store)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String rel = store.relativize(p).toString();
        if (rel.startsWith(".metamirror/")) {
          continue;
        }
        if (rel.endsWith(".gz") && !expectedPaths.containsKey(rel)) {
          continue; // a twin
        }
        out.put(rel, Files.readAllBytes(p));
      }
    }
    return out;
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

  static void assertNoTempFiles(Path store) throws IOException {
    try (Stream<Path> walk = Files.walk(store)) {
      walk.filter(p -> !store.relativize(p).toString().startsWith(".metamirror"))
          .forEach(
              p ->
                  assertTrue(
                      !p.getFileName().toString().startsWith("."),
                      "no dot-named file in the content tree: " + p));
    }
  }
}
