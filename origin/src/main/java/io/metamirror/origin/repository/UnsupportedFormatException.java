package io.metamirror.origin.repository;

import java.io.IOException;

/** The data directory was written in a format version this metamirror does not read. */
public final class UnsupportedFormatException extends IOException {
  public UnsupportedFormatException(String message) {
    super(message);
  }
}
