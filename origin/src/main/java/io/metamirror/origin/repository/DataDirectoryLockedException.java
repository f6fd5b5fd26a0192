package io.metamirror.origin.repository;

import java.io.IOException;

/** Another process (usually a running {@code origin serve}) holds the data directory. */
public final class DataDirectoryLockedException extends IOException {
  public DataDirectoryLockedException(String message) {
    super(message);
  }
}
