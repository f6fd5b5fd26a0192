package io.metamirror.origin.http;

import io.metamirror.protocol.ContentPath;
import java.util.Locale;
import java.util.Set;

/** Which files are worth gzip-encoding: not those already in a compressed format. */
final class Compression {
  private static final Set<String> COMPRESSED =
      Set.of(
          "gz", "tgz", "zip", "bz2", "xz", "zst", "br", "lz4", "7z", "rar", "jar", "whl", "deb",
          "rpm", "apk", "png", "jpg", "jpeg", "gif", "webp", "avif", "woff", "woff2", "mp4");

  private Compression() {}

  static boolean compressible(ContentPath path) {
    String value = path.value();
    int dot = value.lastIndexOf('.');
    return dot <= value.lastIndexOf('/')
        || !COMPRESSED.contains(value.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
