package io.metamirror.origin.repository;

import java.io.IOException;

/** The data directory was written in a format version this metamirror does not read. */
public final class UnsupportedFormatException extends IOException {
  public UnsupportedFormatException(String message) {
    super(message);
  }

  /** For {@code what} (a file or directory, named) found in format {@code found}. */
  static UnsupportedFormatException of(String what, Object found, int reads) {
    return new UnsupportedFormatException(
        what
            + " has format "
            + found
            + " but this metamirror reads format "
            + reads
            + "; use the metamirror version that wrote it");
  }
}
