package io.metamirror.origin.publishdir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.publishdir.DirectoryPlan.InvalidSourceException;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.JournalEntry.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing a directory into an open repository: the journal gets the fewest entries (none for an
 * unchanged file, one delete for a removed one), index files after everything they reference,
 * deletes last, and a source that cannot be published changes nothing.
 */
class OfflinePublisherTest {
  @TempDir Path temp;
  Path src;
  OriginRepository repo;

  @BeforeEach
  void open() throws IOException {
    src = Files.createDirectory(temp.resolve("src"));
    repo =
        OriginRepository.open(
            temp.resolve("data"), OriginRepository.Options.defaults(), Clock.systemUTC());
  }

  @AfterEach
  void close() throws IOException {
    repo.close();
  }

  private Path write(String relative, String content) throws IOException {
    Path file = src.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private PublishResult publish() throws IOException {
    return publish(DirectoryPlan.DEFAULT_INDEX_GLOBS);
  }

  private PublishResult publish(List<String> globs) throws IOException {
    DirectoryPlan plan = DirectoryPlan.of(src, OfflinePublisher.currentTree(repo), globs);
    return OfflinePublisher.publish(repo, plan);
  }

  /** Every entry the journal holds after {@code since}, as a mirror reading the feed sees them. */
  private List<JournalEntry> feed(long since) throws IOException {
    List<JournalEntry> entries = new ArrayList<>();
    for (byte[] json : repo.readFeed(since, repo.head(), 10_000)) {
      entries.add(JournalEntry.parse(json));
    }
    return entries;
  }

  /** The served tree as path → content. */
  private Map<String, String> tree() throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (TreeFile f : repo.snapshot().files()) {
      files.put(
          f.path().value(), Files.readString(repo.blobPath(f.sha256()), StandardCharsets.UTF_8));
    }
    return files;
  }

  private static long seqOf(List<JournalEntry> entries, String path) {
    return entries.stream()
        .filter(e -> e.path().value().equals(path))
        .mapToLong(JournalEntry::seq)
        .findFirst()
        .orElseThrow(() -> new AssertionError(path + " not journaled: " + entries));
  }

  @Test
  void firstPublishJournalsEveryFile() throws IOException {
    write("packages.json", "{}");
    write("p2/acme/widget.json", "{\"w\":1}");
    write("p2/acme/gadget.json", "{\"g\":1}");

    PublishResult result = publish();

    assertEquals(3, result.entries().size());
    assertEquals(3, result.head());
    assertEquals(result.entries(), feed(0));
    assertTrue(result.entries().stream().allMatch(e -> e.op() == Op.PUT));
    assertEquals(
        Map.of(
            "packages.json", "{}",
            "p2/acme/widget.json", "{\"w\":1}",
            "p2/acme/gadget.json", "{\"g\":1}"),
        tree());
  }

  /** Contents are stored a round at a time; the journal still gets one batch, committed once. */
  @Test
  void aTreeLargerThanOneStoreRoundIsStillOneBatch() throws IOException {
    int storeEvery = 100;
    int n = storeEvery * 2 + 1;
    for (int i = 0; i < n; i++) {
      write("p2/acme/pkg-" + i + ".json", "{\"n\":" + i + "}");
    }

    PublishResult result =
        OfflinePublisher.publish(
            repo,
            DirectoryPlan.of(
                src, OfflinePublisher.currentTree(repo), DirectoryPlan.DEFAULT_INDEX_GLOBS),
            storeEvery);

    assertEquals(n, result.entries().size());
    assertEquals(n, repo.head());
    assertEquals(n, tree().size());
    assertEquals("{\"n\":123}", tree().get("p2/acme/pkg-123.json"));
    String journal =
        Files.readString(
            temp.resolve("data/journal/00000000000000000001.log"), StandardCharsets.UTF_8);
    assertEquals(1, journal.lines().filter(l -> l.startsWith("C ")).count(), "commit lines");
  }

  @Test
  void publishingTheSameTreeAgainJournalsNothing() throws IOException {
    write("packages.json", "{}");
    write("p2/acme/widget.json", "{\"w\":1}");
    publish();

    DirectoryPlan again =
        DirectoryPlan.of(
            src, OfflinePublisher.currentTree(repo), DirectoryPlan.DEFAULT_INDEX_GLOBS);
    PublishResult result = OfflinePublisher.publish(repo, again);

    assertTrue(again.isEmpty(), again.toString());
    assertEquals(2, again.unchanged());
    assertEquals(List.of(), result.entries());
    assertEquals(2, repo.head());
    assertEquals(List.of(), feed(2));
  }

  @Test
  void changingOneFileJournalsExactlyOneEntry() throws IOException {
    write("packages.json", "{}");
    write("p2/acme/widget.json", "{\"w\":1}");
    write("p2/acme/gadget.json", "{\"g\":1}");
    publish();

    write("p2/acme/widget.json", "{\"w\":2}");
    PublishResult result = publish();

    assertEquals(1, result.entries().size());
    JournalEntry entry = result.entries().get(0);
    assertEquals(Op.PUT, entry.op());
    assertEquals("p2/acme/widget.json", entry.path().value());
    assertEquals(4, entry.seq());
    assertEquals(List.of(entry), feed(3));
    assertEquals("{\"w\":2}", tree().get("p2/acme/widget.json"));
  }

  @Test
  void removingAFileJournalsOneDeleteAfterEveryPut() throws IOException {
    write("packages.json", "{\"v\":1}");
    write("p2/acme/widget.json", "{\"w\":1}");
    write("p2/acme/old.json", "{\"o\":1}");
    publish();

    Files.delete(src.resolve("p2/acme/old.json"));
    write("p2/acme/widget.json", "{\"w\":2}");
    write("p2/acme/new.json", "{\"n\":1}");
    write("packages.json", "{\"v\":2}");
    PublishResult result = publish();

    List<JournalEntry> journaled = feed(3);
    assertEquals(result.entries(), journaled);
    List<JournalEntry> deletes = journaled.stream().filter(e -> e.op() == Op.DELETE).toList();
    assertEquals(1, deletes.size(), journaled.toString());
    assertEquals("p2/acme/old.json", deletes.get(0).path().value());
    long deleteSeq = deletes.get(0).seq();
    for (JournalEntry put : journaled.stream().filter(e -> e.op() == Op.PUT).toList()) {
      assertTrue(put.seq() < deleteSeq, put + " after the delete at " + deleteSeq);
    }
    assertEquals(4, journaled.size(), "3 puts and 1 delete: " + journaled);
    assertEquals(
        Map.of(
            "packages.json", "{\"v\":2}",
            "p2/acme/widget.json", "{\"w\":2}",
            "p2/acme/new.json", "{\"n\":1}"),
        tree());
  }

  @Test
  void emptyingTheSourceDeletesEveryFile() throws IOException {
    write("packages.json", "{}");
    write("p2/acme/widget.json", "{}");
    publish();

    Files.delete(src.resolve("packages.json"));
    Files.delete(src.resolve("p2/acme/widget.json"));
    PublishResult result = publish();

    assertEquals(2, result.entries().size());
    assertTrue(result.entries().stream().allMatch(e -> e.op() == Op.DELETE));
    assertEquals(Map.of(), tree());
  }

  @Test
  void indexFilesAreJournaledAfterEveryOtherFileDeepestFirst() throws IOException {
    write("packages.json", "{}");
    write("simple/index.html", "<a href=acme/>acme</a>");
    write("simple/acme/index.html", "<a href=acme-1.0.tar.gz>");
    write("simple/acme/acme-1.0.tar.gz.metadata", "Name: acme");
    write("p2/acme/widget.json", "{}");
    write("zzz/last-by-name.json", "{}");

    publish();
    List<JournalEntry> journaled = feed(0);

    long deepIndex = seqOf(journaled, "simple/acme/index.html");
    long simpleIndex = seqOf(journaled, "simple/index.html");
    long rootIndex = seqOf(journaled, "packages.json");
    for (String plain :
        List.of(
            "simple/acme/acme-1.0.tar.gz.metadata",
            "p2/acme/widget.json",
            "zzz/last-by-name.json")) {
      assertTrue(seqOf(journaled, plain) < deepIndex, plain + " after an index: " + journaled);
    }
    assertTrue(deepIndex < simpleIndex, journaled.toString());
    assertTrue(simpleIndex < rootIndex, journaled.toString());
  }

  @Test
  void aChangedIndexIsJournaledAfterTheChangedFilesItReferences() throws IOException {
    write("packages.json", "{\"v\":1}");
    write("p2/acme/widget.json", "{\"w\":1}");
    publish();

    write("p2/acme/widget.json", "{\"w\":2}");
    write("p2/acme/gadget.json", "{\"g\":1}");
    write("packages.json", "{\"v\":2}");
    PublishResult result = publish();

    List<String> order = result.entries().stream().map(e -> e.path().value()).toList();
    assertEquals(List.of("p2/acme/gadget.json", "p2/acme/widget.json", "packages.json"), order);
  }

  @Test
  void aCustomGlobListDecidesWhatIsJournaledLast() throws IOException {
    write("packages.json", "{}");
    write("catalog/all.idx", "i");
    write("zzz/data.json", "d");

    publish(List.of("**/*.idx"));
    List<JournalEntry> journaled = feed(0);

    long index = seqOf(journaled, "catalog/all.idx");
    assertEquals(3, index, journaled.toString());
    assertTrue(seqOf(journaled, "packages.json") < index);
    assertTrue(seqOf(journaled, "zzz/data.json") < index);
  }

  @Test
  void dotNamedFilesAndDirectoriesNeverReachTheTree() throws IOException {
    write(".git/config", "[core]");
    write(".htaccess", "Deny from all");
    write("packages.json", "{}");

    DirectoryPlan plan =
        DirectoryPlan.of(
            src, OfflinePublisher.currentTree(repo), DirectoryPlan.DEFAULT_INDEX_GLOBS);
    PublishResult result = OfflinePublisher.publish(repo, plan);

    assertEquals(2, plan.skipped());
    assertEquals(1, result.entries().size());
    assertEquals(Map.of("packages.json", "{}"), tree());
  }

  @Test
  void aFileNameThatBreaksThePathRulesPublishesNothing() throws IOException {
    write("packages.json", "{\"v\":1}");
    publish();

    write("packages.json", "{\"v\":2}");
    write("p2/new.json", "{}");
    write("p2/acme\\widget.json", "{}");
    write("p2/tab\there.json", "{}");
    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::publish);

    assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    assertTrue(e.getMessage().contains("control characters"), e.getMessage());
    assertEquals(1, repo.head());
    assertEquals(Map.of("packages.json", "{\"v\":1}"), tree());
  }

  @Test
  void aSymlinkInsideTheSourceIsPublishedWithTheTargetsContent() throws IOException {
    write("p2/acme/widget-2.0.json", "{\"v\":\"2.0\"}");
    Files.createSymbolicLink(src.resolve("p2/acme/widget-latest.json"), Path.of("widget-2.0.json"));

    publish();

    assertEquals(
        Map.of(
            "p2/acme/widget-2.0.json", "{\"v\":\"2.0\"}",
            "p2/acme/widget-latest.json", "{\"v\":\"2.0\"}"),
        tree());
  }

  @Test
  void aSymlinkPointingOutsideTheSourceIsNotPublished() throws IOException {
    Path secret = Files.writeString(temp.resolve("secret.txt"), "do not publish");
    write("packages.json", "{}");
    Files.createSymbolicLink(src.resolve("leak.txt"), secret);

    publish();

    assertEquals(Map.of("packages.json", "{}"), tree());
  }
}
