package io.metamirror.sync.agent;

import io.metamirror.protocol.JournalEntry;
import java.io.IOException;

/** An entry whose content the origin keeps serving wrong; the agent stalls on it. */
final class BadEntryException extends IOException {
  BadEntryException(JournalEntry entry, String why) {
    super("entry " + entry.seq() + " (" + entry.path() + "): " + why);
  }
}
