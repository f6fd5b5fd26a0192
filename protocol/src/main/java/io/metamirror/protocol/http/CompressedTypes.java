package io.metamirror.protocol.http;

import io.metamirror.protocol.ContentPath;
import java.util.Set;

/**
 * Files in an already-compressed format, by extension: gzip would not make them smaller, so the
 * origin does not gzip them on the fly and mirrors keep no precompressed twin of them. One list for
 * both, so that a representation with a {@code -gzip} ETag ({@link EntityTags}) exists on every
 * node or on none.
 *
 * <p>A {@code .phar} is not on the list: a PHP archive is compressed only if its builder asked for
 * it (Composer builds {@code composer.phar} without), and a twin is kept only when smaller anyway.
 */
public final class CompressedTypes {
  private static final Set<String> EXTENSIONS =
      Set.of(
          "gz", "tgz", "zip", "bz2", "xz", "zst", "br", "lz4", "7z", "rar", "jar", "whl", "deb",
          "rpm", "apk", "png", "jpg", "jpeg", "gif", "webp", "avif", "woff", "woff2", "mp4");

  private CompressedTypes() {}

  /** Whether {@code path}'s extension names an already-compressed format. */
  public static boolean alreadyCompressed(ContentPath path) {
    return EXTENSIONS.contains(path.extension());
  }
}
