package io.metamirror.origin.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.FileSystemSync;
import io.metamirror.protocol.JournalEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What opening a data directory finds, whatever instant the last process stopped at: the state
 * after the last committed batch.
 *
 * <ol>
 *   <li>The marker ({@value #MARKER}) names the format and the epoch. An empty directory gets a new
 *       one; a directory with other files and no marker is refused, as is an unknown format.
 *   <li>Staging files of blobs never published are deleted.
 *   <li>The tree is the checkpoint (replaced only whole) plus every committed journal entry after
 *       it; the journal cuts a torn tail on the way.
 *   <li>A journal that ends before the checkpoint, or starts after the entry following it, is
 *       damage that replay cannot bridge: refused, naming both seqs.
 * </ol>
 *
 * Runs under the data directory's lock, before the repository serves anything.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  static final int FORMAT = 1;
  static final String MARKER = "metamirror-origin.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The recovered state; {@code lastTime} is the newest entry time seen, which the next publish
   * must exceed.
   */
  record State(
      Epoch epoch,
      BlobStore blobs,
      Journal journal,
      TreeIndex tree,
      long checkpointSeq,
      long lastTime) {}

  private Recovery() {}

  static State recover(Path dataDir, OriginRepository.Options options, Clock clock)
      throws IOException {
    Epoch epoch = readOrCreateMarker(dataDir, clock);
    BlobStore blobs = new BlobStore(dataDir.resolve("blobs"), new FileSystemSync(options.syncfs()));
    int stale = blobs.removeStaleTemps();
    if (stale > 0) {
      log.info("event=stale_staging_removed files={}", stale);
    }
    TreeIndex tree = new TreeIndex(Checkpoint.fileCount(dataDir));
    long checkpointSeq = Math.max(0, Checkpoint.read(dataDir, epoch, tree));
    Journal journal =
        Journal.open(
            dataDir.resolve("journal"),
            epoch,
            options.segmentEntries(),
            checkpointSeq,
            entry -> apply(tree, entry));
    if (journal.head() < checkpointSeq) {
      journal.close();
      throw new CorruptDataException(
          "the journal in "
              + dataDir
              + " ends at seq "
              + journal.head()
              + " but the tree checkpoint is at seq "
              + checkpointSeq
              + "; restore the data directory from a backup");
    }
    if (journal.firstSeq() > checkpointSeq + 1) {
      journal.close();
      throw new CorruptDataException(
          "the journal in "
              + dataDir
              + " starts at seq "
              + journal.firstSeq()
              + " but the tree checkpoint is at seq "
              + checkpointSeq
              + "; entries in between are missing");
    }
    long lastTime = Math.max(tree.maxTime(), lastEntryTime(journal));
    return new State(epoch, blobs, journal, tree, checkpointSeq, lastTime);
  }

  /** Applies a committed entry to a tree: replay at start-up, and every publish after it. */
  static void apply(TreeIndex tree, JournalEntry e) {
    if (e.op() == JournalEntry.Op.PUT) {
      tree.put(e.path(), e.sha256(), e.size(), e.time(), e.seq());
    } else {
      tree.remove(e.path());
    }
  }

  private static Epoch readOrCreateMarker(Path dataDir, Clock clock) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    if (Files.exists(marker)) {
      JsonNode node;
      try {
        node = JSON.readTree(marker.toFile());
      } catch (IOException e) {
        throw new CorruptDataException(marker + " is not valid JSON: " + e.getMessage());
      }
      int format = node.path("format").asInt(-1);
      if (format != FORMAT) {
        throw UnsupportedFormatException.of(
            "data directory " + dataDir, node.path("format"), FORMAT);
      }
      try {
        return new Epoch(node.path("epoch").asText());
      } catch (IllegalArgumentException e) {
        throw new CorruptDataException(marker + ": " + e.getMessage());
      }
    }
    String crashedTemp = AtomicFile.tempOf(marker).getFileName().toString();
    try (Stream<Path> entries = Files.list(dataDir)) {
      List<String> others =
          entries
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.equals(".lock") && !n.equals(crashedTemp)) // a crash while creating
              .toList();
      if (!others.isEmpty()) {
        throw new CorruptDataException(
            dataDir
                + " is not empty and has no "
                + MARKER
                + "; it is not a metamirror origin data directory");
      }
    }
    Epoch epoch = Epoch.random();
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("epoch", epoch.value());
    node.put("created", Instant.now(clock).toString());
    AtomicFile.at(marker).write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    log.info("event=origin_created data={} epoch={}", dataDir, epoch);
    return epoch;
  }

  /** The time of the newest journaled entry (a delete leaves no trace in the tree), or 0. */
  private static long lastEntryTime(Journal journal) {
    long head = journal.head();
    if (head <= 0 || head < journal.firstSeq()) {
      return 0;
    }
    try {
      List<byte[]> last = journal.read(head - 1, 1, head);
      return last.isEmpty() ? 0 : JournalEntry.parse(last.get(0)).time();
    } catch (IOException e) {
      return 0; // recovery already validated the journal; the tree's times still bound it
    }
  }
}
