package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The negative cache holds at most its bound: a crowd asking for ever new missing paths does not
 * grow the heap. A full cache remembers nothing new until what it holds expires. Time is passed in,
 * never waited for.
 */
class NegativeCacheBoundTest {
  private static final NegativeCache.Position AT = new NegativeCache.Position("e", 7);

  @Test
  void aFullCacheRemembersNothingNewUntilItsEntriesExpire() {
    NegativeCache cache = new NegativeCache(Duration.ofSeconds(10), 3);
    for (int i = 0; i < 3; i++) {
      cache.remember(path(i), AT, 1_000);
    }

    cache.remember(path(3), AT, 2_000);

    assertEquals(3, cache.size());
    assertFalse(cache.answers(path(3), AT, 2_000), "not remembered: asked of the origin again");
    assertTrue(cache.answers(path(0), AT, 2_000), "the ones it holds still answer");

    cache.remember(path(4), AT, 11_000); // the first three expired at 11,000
    assertEquals(1, cache.size());
    assertTrue(cache.answers(path(4), AT, 11_000));
  }

  @Test
  void manyMoreMissingPathsThanItsBoundKeepItAtItsBound() {
    NegativeCache cache = new NegativeCache(Duration.ofSeconds(10));
    for (int i = 0; i < 3 * NegativeCache.MAX_ENTRIES; i++) {
      cache.remember(path(i), AT, 1_000 + i / 1000);
    }
    assertEquals(NegativeCache.MAX_ENTRIES, cache.size());
  }

  private static ContentPath path(int i) {
    return ContentPath.parse("p2/none/missing-" + i + ".json");
  }
}
