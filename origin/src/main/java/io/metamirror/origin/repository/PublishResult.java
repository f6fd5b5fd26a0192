package io.metamirror.origin.repository;

import io.metamirror.protocol.JournalEntry;
import java.util.List;

/** What a publish journaled (empty when nothing changed) and the head afterwards. */
public record PublishResult(long head, List<JournalEntry> entries) {}
