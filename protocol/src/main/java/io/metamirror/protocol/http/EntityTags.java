package io.metamirror.protocol.http;

import io.metamirror.protocol.Sha256;

/**
 * The ETags of a file, derived from its content alone so that every node (origin and mirrors) gives
 * the same representation the same tag, and a client may revalidate against any of them:
 *
 * <pre>
 * "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"        the bytes as stored
 * "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae-gzip"   gzip-encoded
 * </pre>
 *
 * Both are strong: the gzip-encoded representation is a different one (RFC 9110 §8.8.3), so it gets
 * its own tag, whether a mirror sends its precompressed twin or the origin encodes on the fly.
 */
public final class EntityTags {
  private EntityTags() {}

  /** The strong ETag of the file as stored. */
  public static String of(Sha256 sha256) {
    return '"' + sha256.hex() + '"';
  }

  /** The strong ETag of the file's gzip-encoded representation. */
  public static String gzipOf(Sha256 sha256) {
    return '"' + sha256.hex() + "-gzip\"";
  }

  /** {@link #gzipOf} when {@code gzip}, else {@link #of}. */
  public static String of(Sha256 sha256, boolean gzip) {
    return gzip ? gzipOf(sha256) : of(sha256);
  }
}
