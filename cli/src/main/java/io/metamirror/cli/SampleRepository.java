package io.metamirror.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small Composer-shaped repository for the demo: {@code packages.json} with a relative {@code
 * metadata-url}, and one {@code p2/<vendor>/<name>.json} per package. Hand-written until the
 * Composer generator exists; the files are what packagist.org serves, not minified.
 */
final class SampleRepository {
  private record Version(String version, String require) {}

  private record Package(String name, String description, List<Version> versions) {}

  private static final List<Package> PACKAGES =
      List.of(
          new Package(
              "acme/widget",
              "Widgets for every occasion",
              List.of(
                  new Version("2.0.0", "{\"php\":\">=8.1\"}"),
                  new Version("1.1.0", "{\"php\":\">=7.4\"}"),
                  new Version("1.0.0", "{\"php\":\">=7.4\"}"))),
          new Package(
              "acme/gadget",
              "Gadgets built on widgets",
              List.of(
                  new Version("1.2.0", "{\"acme/widget\":\"^2.0\"}"),
                  new Version("1.0.0", "{\"acme/widget\":\"^1.0\"}"))),
          new Package(
              "acme/logger",
              "A tiny PSR-3 logger",
              List.of(new Version("0.9.1", "{\"php\":\">=8.0\"}"))));

  private SampleRepository() {}

  /** Writes the sample tree under {@code dir}; rewriting it unchanged changes no byte. */
  static void write(Path dir) throws IOException {
    StringBuilder available = new StringBuilder();
    for (Package p : PACKAGES) {
      StringBuilder versions = new StringBuilder();
      for (Version v : p.versions()) {
        if (versions.length() > 0) {
          versions.append(',');
        }
        versions.append(
            String.format(
                "{\"name\":\"%s\",\"description\":\"%s\",\"version\":\"%s\","
                    + "\"version_normalized\":\"%s.0\",\"type\":\"library\",\"license\":[\"MIT\"],"
                    + "\"dist\":{\"type\":\"zip\",\"url\":\"https://example.test/dist/%s/%s.zip\","
                    + "\"reference\":\"%s\",\"shasum\":\"\"},\"require\":%s,"
                    + "\"time\":\"2026-01-01T00:00:00+00:00\"}",
                p.name(),
                p.description(),
                v.version(),
                v.version(),
                p.name(),
                v.version(),
                Integer.toHexString((p.name() + v.version()).hashCode()),
                v.require()));
      }
      write(
          dir.resolve("p2/" + p.name() + ".json"),
          "{\"packages\":{\"" + p.name() + "\":[" + versions + "]}}\n");
      if (available.length() > 0) {
        available.append(',');
      }
      available.append('"').append(p.name()).append('"');
    }
    write(
        dir.resolve("packages.json"),
        "{\"packages\":[],\"metadata-url\":\"/p2/%package%.json\",\"available-packages\":["
            + available
            + "]}\n");
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
      return;
    }
    Files.write(file, bytes);
  }
}
