package io.metamirror.sync.store;

import java.io.IOException;

/** Another sync agent (or mirror node) has the store open. */
public final class StoreLockedException extends IOException {
  public StoreLockedException(String message) {
    super(message);
  }
}
