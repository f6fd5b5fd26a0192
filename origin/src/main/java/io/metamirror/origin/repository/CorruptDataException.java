package io.metamirror.origin.repository;

import java.io.IOException;

/** The data directory holds something metamirror did not write, or damage it cannot repair. */
public final class CorruptDataException extends IOException {
  public CorruptDataException(String message) {
    super(message);
  }
}
