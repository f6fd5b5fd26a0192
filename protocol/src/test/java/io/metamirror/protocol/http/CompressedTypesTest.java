package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressedTypesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dists/stable/main/Packages.gz",
        "dist/acme-widget-2.0.zip",
        "dist/acme-widget-2.0.ZIP",
        "simple/x/x-1.0-py3-none-any.whl",
        "pool/main/a/acme_1.0_amd64.deb",
        "logo.png",
        "fonts/a.woff2",
        "x.tar.zst"
      })
  void alreadyCompressed(String path) {
    assertTrue(CompressedTypes.alreadyCompressed(ContentPath.parse(path)), path);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "packages.json",
        "p2/acme/widget.json",
        "dists/stable/main/Packages",
        "dists/stable/Release",
        "composer.phar",
        "x.tar",
        "gz/readme",
        "a.gz/readme.txt"
      })
  void worthCompressing(String path) {
    assertFalse(CompressedTypes.alreadyCompressed(ContentPath.parse(path)), path);
  }
}
