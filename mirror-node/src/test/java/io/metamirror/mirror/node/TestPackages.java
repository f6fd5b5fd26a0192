package io.metamirror.mirror.node;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** Composer metadata for tests to publish. */
final class TestPackages {
  private TestPackages() {}

  /**
   * The p2 document of package {@code name} listing versions 1.0.0 to 1.{@code versions - 1}.0; it
   * repeats itself, so a node keeps a precompressed twin of it.
   */
  static byte[] metadata(String name, int versions) {
    StringJoiner list = new StringJoiner(",", "{\"packages\":{\"" + name + "\":[", "]}}");
    for (int i = 0; i < versions; i++) {
      list.add("{\"version\":\"1." + i + ".0\"}");
    }
    return list.toString().getBytes(StandardCharsets.UTF_8);
  }
}
