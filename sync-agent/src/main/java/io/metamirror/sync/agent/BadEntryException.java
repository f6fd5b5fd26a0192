package io.metamirror.sync.agent;

import io.metamirror.protocol.JournalEntry;
import java.io.IOException;

/** An entry whose content the origin keeps serving wrong; the agent stalls on it. */
final class BadEntryException extends IOException {
  private final long seq;

  BadEntryException(JournalEntry entry, String why) {
    super("entry " + entry.seq() + " (" + entry.path() + "): " + why);
    this.seq = entry.seq();
  }

  /** The bad entry's seq. */
  long seq() {
    return seq;
  }
}
