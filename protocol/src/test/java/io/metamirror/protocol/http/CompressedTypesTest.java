package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.protocol.ContentPath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompressedTypesTest {

  @ParameterizedTest(name = "{0} already compressed: {1}")
  @CsvSource({
    "dists/stable/main/Packages.gz, true",
    "dist/acme-widget-2.0.zip, true",
    "dist/acme-widget-2.0.ZIP, true",
    "simple/x/x-1.0-py3-none-any.whl, true",
    "pool/main/a/acme_1.0_amd64.deb, true",
    "logo.png, true",
    "fonts/a.woff2, true",
    "x.tar.zst, true",
    "packages.json, false",
    "p2/acme/widget.json, false",
    "dists/stable/main/Packages, false",
    "dists/stable/Release, false",
    "composer.phar, false",
    "x.tar, false",
    "gz/readme, false",
    "a.gz/readme.txt, false"
  })
  void byTheExtensionOfTheLastSegment(String path, boolean compressed) {
    assertEquals(compressed, CompressedTypes.alreadyCompressed(ContentPath.parse(path)), path);
  }

  @ParameterizedTest(name = "{0} of {1} bytes gzipped: {2}")
  @CsvSource({
    "p2/acme/widget.json, 1024, true",
    "p2/acme/widget.json, 1023, false",
    "p2/acme/widget~dev.json, 60, false",
    "packages.json, 60, true",
    "mirror/packages.json, 60, false",
    "dist/acme-widget-2.0.zip, 1000000, false"
  })
  void smallFilesAreNotGzippedExceptAComposerRoot(String path, long size, boolean gzipped) {
    assertEquals(gzipped, CompressedTypes.worthGzip(ContentPath.parse(path), size), path);
  }
}
