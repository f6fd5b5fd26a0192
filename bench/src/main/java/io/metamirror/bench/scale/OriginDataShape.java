package io.metamirror.bench.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an origin's data directory holds for its start-up to read (DESIGN §3): the tree checkpoint's
 * seq ({@code DATA/tree.checkpoint}, header {@code metamirror-tree 1 epoch=… seq=N files=F}) and
 * the journal entries in {@code DATA/journal/*.log} (lines {@code E <crc> <json>}). Start-up reads
 * the checkpoint and replays the journal after it, so the start-up row says which it had.
 *
 * @param checkpointSeq the checkpoint's seq, -1 without one
 * @param journalEntries every {@code E} line of every segment
 */
record OriginDataShape(long checkpointSeq, long journalEntries) {
  private static final Pattern CHECKPOINT_SEQ = Pattern.compile(" seq=(\\d+) ");

  static OriginDataShape of(Path data) throws IOException {
    long checkpointSeq = -1;
    Path checkpoint = data.resolve("tree.checkpoint");
    if (Files.exists(checkpoint)) {
      try (BufferedReader in = Files.newBufferedReader(checkpoint, StandardCharsets.UTF_8)) {
        String header = in.readLine();
        Matcher m = CHECKPOINT_SEQ.matcher(header == null ? "" : header);
        if (m.find()) {
          checkpointSeq = Long.parseLong(m.group(1));
        }
      }
    }
    long entries = 0;
    Path journal = data.resolve("journal");
    List<Path> segments;
    try (Stream<Path> files = Files.exists(journal) ? Files.list(journal) : Stream.empty()) {
      segments = files.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
    }
    for (Path segment : segments) {
      try (Stream<String> lines = Files.lines(segment, StandardCharsets.UTF_8)) {
        entries += lines.filter(l -> l.startsWith("E ")).count();
      }
    }
    return new OriginDataShape(checkpointSeq, entries);
  }

  /** For the row: {@code "1000000-entry journal, checkpoint at seq 1000000"}. */
  String describe() {
    return journalEntries
        + "-entry journal, "
        + (checkpointSeq < 0 ? "no checkpoint" : "checkpoint at seq " + checkpointSeq);
  }
}
