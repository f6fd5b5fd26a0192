package io.metamirror.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 digest: the identity of a blob everywhere in metamirror.
 *
 * <p>Written as 64 lowercase hex digits, for example {@code
 * e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855} (the empty file). Parsing
 * accepts only that form, so two equal digests always have the same text.
 */
public final class Sha256 implements Comparable<Sha256> {
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Sha256(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Parses 64 lowercase hex digits; anything else is an {@link IllegalArgumentException}. */
  public static Sha256 parse(String hex) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException(
          "sha256 must be 64 lowercase hex digits: " + abbreviate(hex));
    }
    for (int i = 0; i < 64; i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "sha256 must be 64 lowercase hex digits: " + abbreviate(hex));
      }
    }
    return new Sha256(HEX.parseHex(hex));
  }

  /** Wraps a finished 32-byte digest. */
  public static Sha256 ofDigest(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("sha256 digest length != 32: " + digest.length);
    }
    return new Sha256(digest.clone());
  }

  /** Reads a digest stored at {@code offset} in a larger array, such as a column of digests. */
  public static Sha256 ofDigest(byte[] digests, int offset) {
    return new Sha256(Arrays.copyOfRange(digests, offset, offset + 32));
  }

  /** Writes the 32 bytes of the digest into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, 32);
  }

  public static Sha256 of(byte[] content) {
    return new Sha256(newDigest().digest(content));
  }

  /** Hashes a stream to its end; the caller closes it. */
  public static Sha256 of(InputStream in) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) != -1; ) {
      digest.update(buffer, 0, n);
    }
    return new Sha256(digest.digest());
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sha256 other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    // The digest is already uniformly distributed.
    return (bytes[0] & 0xff) << 24
        | (bytes[1] & 0xff) << 16
        | (bytes[2] & 0xff) << 8
        | bytes[3] & 0xff;
  }

  @Override
  public int compareTo(Sha256 o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
