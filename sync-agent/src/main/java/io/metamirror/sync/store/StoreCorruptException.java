package io.metamirror.sync.store;

import java.io.IOException;

/** The store's state files are damaged or in an unknown format; the message says which. */
public final class StoreCorruptException extends IOException {
  public StoreCorruptException(String message) {
    super(message);
  }
}
