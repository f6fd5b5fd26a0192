package io.metamirror.protocol.http;

import io.metamirror.protocol.ContentPath;
import java.util.Set;

/**
 * Files in an already-compressed format, by extension: gzip would not make them smaller, so the
 * origin does not gzip them on the fly and mirrors keep no precompressed twin of them. One list for
 * both, so that a representation with a {@code -gzip} ETag ({@link EntityTags}) exists on every
 * node or on none.
 *
 * <p>Nor is a file under {@link #MIN_GZIP_BYTES} gzipped, on the fly or as a twin: gzip's 18-byte
 * frame and the extra round of decoding cost more than a few hundred bytes saved. The exception is
 * a Composer root, {@code packages.json}: Composer's mirror script refuses one that is not
 * gzip-encoded, however small (see {@code docs/DESIGN.md} §6). {@link #worthGzip} is the one rule
 * the origin (on the fly) and the sync agent (twins) both apply, so a {@code -gzip} ETag for a path
 * exists everywhere or nowhere.
 *
 * <p>A {@code .phar} is not on the list: a PHP archive is compressed only if its builder asked for
 * it (Composer builds {@code composer.phar} without), and a twin is kept only when smaller anyway.
 */
public final class CompressedTypes {
  private static final Set<String> EXTENSIONS =
      Set.of(
          "gz", "tgz", "zip", "bz2", "xz", "zst", "br", "lz4", "7z", "rar", "jar", "whl", "deb",
          "rpm", "apk", "png", "jpg", "jpeg", "gif", "webp", "avif", "woff", "woff2", "mp4");

  /** Files smaller than this are served as they are. */
  public static final int MIN_GZIP_BYTES = 1024;

  /** Paths gzipped whatever their size, because a client refuses them otherwise. */
  private static final Set<String> GZIP_REQUIRED = Set.of("packages.json");

  private CompressedTypes() {}

  /**
   * Whether {@code path}, holding {@code size} bytes, is gzip-encoded for clients that accept it:
   * not already compressed, and at least {@link #MIN_GZIP_BYTES} (or required gzipped).
   */
  public static boolean worthGzip(ContentPath path, long size) {
    return !alreadyCompressed(path) && (size >= MIN_GZIP_BYTES || gzipRequired(path));
  }

  /**
   * Whether a client requires {@code path} gzip-encoded: then a twin is kept even when it is not
   * smaller than the file.
   */
  public static boolean gzipRequired(ContentPath path) {
    return GZIP_REQUIRED.contains(path.value());
  }

  /** Whether {@code path}'s extension names an already-compressed format. */
  public static boolean alreadyCompressed(ContentPath path) {
    return EXTENSIONS.contains(path.extension());
  }
}
