package io.metamirror.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The identity of a repository's history: 32 lowercase hex digits, random, fixed when the origin's
 * data directory is created, for example {@code 9f86d081884c7d659a2feaa0c55ad015}. A mirror that
 * sees a different epoch throws its tree away and bootstraps again.
 */
public record Epoch(String value) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public Epoch {
    if (value == null || !value.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("epoch must be 32 lowercase hex digits: " + value);
    }
  }

  public static Epoch random() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new Epoch(HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return value;
  }
}
