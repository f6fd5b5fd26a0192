package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.LocalFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmallFileCacheTest {
  private static long seq;

  private static LocalFile version(String path, int size) {
    byte[] content = new byte[size];
    return new LocalFile(
        ContentPath.parse(path), Sha256.of(content), size, 1_700_000_000_000L, ++seq);
  }

  private static CachedFile file(LocalFile version) {
    return new CachedFile(
        version,
        new byte[(int) version.size()],
        null,
        "Tue, 14 Nov 2023 22:13:20 GMT",
        "application/json",
        "public, max-age=300",
        true);
  }

  private static boolean put(SmallFileCache cache, LocalFile version) {
    return cache.put(version.path(), file(version), cache.generation());
  }

  @Test
  void entryIsReturnedOnlyForTheVersionItWasMadeFrom() {
    SmallFileCache cache = new SmallFileCache(1 << 20, 1024);
    LocalFile v1 = version("p2/a.json", 10);
    // The manifest makes a new object at each lookup (issue 21): an equal one is the same entry.
    LocalFile listedAgain = new LocalFile(v1.path(), v1.sha256(), v1.size(), v1.time(), v1.seq());
    LocalFile sameBytesNewer =
        new LocalFile(v1.path(), v1.sha256(), v1.size(), v1.time() + 1, v1.seq() + 1);

    assertTrue(put(cache, v1));

    assertSame(v1, cache.get(v1.path(), listedAgain).version);
    assertNull(cache.get(v1.path(), sameBytesNewer), "a new manifest entry is a new version");
  }

  @Test
  void putIsRefusedWhenAnInvalidationCameAfterTheFillBegan() {
    SmallFileCache cache = new SmallFileCache(1 << 20, 1024);
    LocalFile v1 = version("p2/a.json", 10);
    long before = cache.generation();

    cache.invalidate(List.of(ContentPath.parse("p2/other.json")));

    assertFalse(cache.put(v1.path(), file(v1), before));
    assertNull(cache.get(v1.path(), v1));
    assertTrue(cache.put(v1.path(), file(v1), cache.generation()));
  }

  @Test
  void invalidatingAPathDropsItAndTheFileItMayBeTheTwinOf() {
    SmallFileCache cache = new SmallFileCache(1 << 20, 1024);
    LocalFile packages = version("dists/Packages", 10);
    LocalFile other = version("dists/Sources", 10);
    put(cache, packages);
    put(cache, other);

    cache.invalidate(List.of(ContentPath.parse("dists/Packages.gz")));

    assertNull(cache.get(packages.path(), packages));
    assertNotNull(cache.get(other.path(), other));
    assertTrue(cache.bytes() == 10 && cache.files() == 1, "bytes " + cache.bytes());
  }

  @Test
  void bodiesNeverExceedTheBound() {
    SmallFileCache cache = new SmallFileCache(10_000, 4096);
    for (int i = 0; i < 50; i++) {
      assertTrue(put(cache, version("p2/f" + i + ".json", 1000 + i)));
      assertTrue(cache.bytes() <= 10_000, "bytes " + cache.bytes());
    }
    assertTrue(cache.files() >= 9, "files " + cache.files());
  }

  @Test
  void fileReadSinceTheHandPassedSurvivesTheNextEviction() {
    SmallFileCache cache = new SmallFileCache(3000, 4096);
    LocalFile a = version("a.json", 1000);
    LocalFile b = version("b.json", 1000);
    LocalFile c = version("c.json", 1000);
    put(cache, a);
    put(cache, b);
    put(cache, c);
    cache.get(a.path(), a);

    put(cache, version("d.json", 1000));

    assertNotNull(cache.get(a.path(), a));
    assertNull(cache.get(b.path(), b));
    assertNotNull(cache.get(c.path(), c));
  }

  @Test
  void replacingAPathFreesWhatTheOldVersionHeld() {
    SmallFileCache cache = new SmallFileCache(1 << 20, 4096);
    put(cache, version("a.json", 1000));
    LocalFile v2 = version("a.json", 300);

    put(cache, v2);

    assertTrue(cache.bytes() == 300 && cache.files() == 1, "bytes " + cache.bytes());
    assertNotNull(cache.get(v2.path(), v2));
  }

  @Test
  void fileOverTheFileLimitOrTheWholeBoundIsNotCached() {
    SmallFileCache small = new SmallFileCache(1 << 20, 100);
    SmallFileCache off = new SmallFileCache(0, 100);
    LocalFile big = version("big.json", 101);
    LocalFile tiny = version("tiny.json", 1);

    assertFalse(put(small, big));
    assertFalse(put(off, tiny));
    assertTrue(off.bytes() == 0 && off.files() == 0);
  }

  @Test
  void everyFillIsAdmittedWhileThereIsRoomThenOneInSixteen() {
    SmallFileCache cache = new SmallFileCache(2000, 4096);
    assertTrue(cache.admits(1000));
    put(cache, version("a.json", 1000));
    assertTrue(cache.admits(1000));
    put(cache, version("b.json", 1000));

    int admitted = 0;
    for (int i = 0; i < 10 * SmallFileCache.ADMIT_ONE_IN_WHEN_FULL; i++) {
      admitted += cache.admits(1000) ? 1 : 0;
    }

    assertTrue(admitted == 10, "admitted " + admitted);
    assertFalse(cache.admits(4097), "over the file limit");
  }
}
