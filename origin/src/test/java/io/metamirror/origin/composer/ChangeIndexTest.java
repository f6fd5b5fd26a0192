package io.metamirror.origin.composer;

import static io.metamirror.origin.composer.ComposerRepositoryTest.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.ContentPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeIndexTest {
  @TempDir Path data;
  OriginRepository origin;
  ComposerRepository composer;

  @AfterEach
  void close() throws IOException {
    if (origin != null) {
      origin.close();
    }
  }

  void open(OriginRepository.Options options) throws IOException {
    origin = OriginRepository.open(data, options, Clock.systemUTC());
    composer = ComposerRepository.open(origin);
  }

  static List<String> described(ChangeIndex.Answer answer) {
    return answer.actions().stream().map(a -> a.type() + " " + a.packageKey()).toList();
  }

  @Test
  void actionsSinceATimestampOnePerPackageKeyAndTheNextTimestampMissesNothing() throws IOException {
    open(OriginRepository.Options.defaults());
    ChangeIndex index = new ChangeIndex(origin, Clock.systemUTC());
    composer.publish(List.of(version("acme/old", "1.0.0")));
    long start = index.currentTimestamp();

    composer.publish(List.of(version("acme/a", "1.0.0"), version("acme/a", "dev-main")));
    composer.publish(List.of(version("acme/a", "1.1.0")));
    composer.publish(List.of(version("acme/b", "1.0.0")));
    ChangeIndex.Answer answer = index.since(start);

    assertEquals(
        List.of("update acme/a~dev", "update acme/a", "update acme/b", "update acme/b~dev"),
        described(answer),
        "acme/old is before since; acme/a appears once, at its latest change");
    assertTrue(answer.timestamp() > start);
    assertEquals(List.of(), index.since(answer.timestamp()).actions(), "nothing new");

    composer.publish(List.of(version("acme/c", "1.0.0")));
    assertEquals(
        List.of("update acme/c", "update acme/c~dev"),
        described(index.since(answer.timestamp())),
        "the next timestamp sees the very next publish");
  }

  @Test
  void anUpdatesTimeIsNeverLaterThanTheFilesLastModified() throws IOException {
    open(OriginRepository.Options.defaults());
    ChangeIndex index = new ChangeIndex(origin, Clock.systemUTC());
    long start = index.currentTimestamp();
    for (int i = 0; i < 5; i++) {
      // Versions in quick succession: the origin moves each file's time to a new second.
      composer.publish(List.of(version("acme/a", "1.0." + i)));
    }
    ChangeIndex.Action update =
        index.since(start).actions().stream()
            .filter(a -> a.packageKey().equals("acme/a"))
            .findFirst()
            .orElseThrow();
    long lastModifiedSecond =
        origin.file(ContentPath.parse("p2/acme/a.json")).orElseThrow().time() / 1000;
    assertTrue(
        lastModifiedSecond >= update.timeSeconds(),
        "Last-Modified " + lastModifiedSecond + " < action time " + update.timeSeconds());
  }

  @Test
  void aDeletedPackageIsOneDeleteAction() throws IOException {
    open(OriginRepository.Options.defaults());
    ChangeIndex index = new ChangeIndex(origin, Clock.systemUTC());
    long start = index.currentTimestamp();
    composer.publish(List.of(version("acme/a", "1.0.0"), version("acme/keep", "1.0.0")));
    composer.deletePackage("acme/a");

    assertEquals(
        List.of("update acme/keep", "update acme/keep~dev", "delete acme/a"),
        described(index.since(start)));
  }

  @Test
  void aSinceOlderThanTheRetainedJournalIsAResync() throws IOException {
    open(
        OriginRepository.Options.defaults()
            .withRetainEntries(10)
            .withSegmentEntries(5)
            .withCheckpointEvery(1_000_000));
    ChangeIndex index = new ChangeIndex(origin, Clock.systemUTC());
    long start = index.currentTimestamp();
    for (int i = 0; i < 30; i++) {
      composer.publish(List.of(version("acme/p" + i, "1.0.0")));
    }
    origin.checkpoint();
    assertTrue(origin.firstRetainedSeq() > 1, "old segments were dropped");

    ChangeIndex.Answer old = index.since(start);
    assertTrue(old.resync(), described(old).toString());
    assertEquals("*", old.actions().get(0).packageKey());

    ChangeIndex.Answer recent = index.since(old.timestamp());
    assertEquals(List.of(), recent.actions(), "a follower that resynced continues normally");
  }

  @Test
  void tooManyChangedPackagesIsAResync() throws IOException {
    open(OriginRepository.Options.defaults());
    ChangeIndex index = new ChangeIndex(origin, Clock.systemUTC(), 3);
    long start = index.currentTimestamp();
    composer.publish(List.of(version("acme/a", "1.0.0")));
    assertEquals(2, index.since(start).actions().size());
    composer.publish(List.of(version("acme/b", "1.0.0")));
    assertTrue(index.since(start).resync());
  }

  @Test
  void onlyP2PathsOfValidPackageNamesAreKeys() {
    assertEquals("acme/a", ChangeIndex.packageKey("p2/acme/a.json"));
    assertEquals("acme/a~dev", ChangeIndex.packageKey("p2/acme/a~dev.json"));
    assertNull(ChangeIndex.packageKey("packages.json"));
    assertNull(ChangeIndex.packageKey("p2/acme.json"));
    assertNull(ChangeIndex.packageKey("p2/acme/a/b.json"));
    assertNull(ChangeIndex.packageKey("p2/Acme/A.json"));
    assertNull(ChangeIndex.packageKey("dist/acme/a.json"));
  }
}
