package io.metamirror.sync.agent;

import static io.metamirror.sync.agent.StatusPolling.awaitCaughtUp;
import static io.metamirror.sync.agent.StatusPolling.awaitStatus;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.Store;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files inside the feed page (issue 21): applied without a blob request, checked like a
 * fetched blob, and hostile inline content refused with nothing written. A real origin on loopback;
 * {@link ByteFlippingProxy} between it and the agent counts blob requests and plays the hostile
 * origin.
 */
class InlineContentTest {
  private static final String SMALL = "{\"packages\":{\"acme/small\":[]}}";

  @TempDir Path tmp;

  @Test
  void aSmallFileIsAppliedFromTheFeedPageWithoutABlobRequest() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      long seq = f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of());
      awaitCaughtUp(f.agent, seq);

      assertEquals(SMALL, Files.readString(f.storeDir.resolve("p2/acme/small.json")));
      assertEquals(0, f.proxy.blobRequests(), "the content came inside the page");
      StoreAssertions.assertStoreEquals(f.origin.tree(), f.origin.times(), f.storeDir);
    }
  }

  @Test
  void aFileOverTheInlineLimitIsFetchedAsABlob() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      String large = "x".repeat(FeedPage.INLINE_FILE_MAX + 1);
      long seq =
          f.origin.publish(
              Map.of("p2/acme/small.json", SMALL, "p2/acme/large.json", large), List.of());
      awaitCaughtUp(f.agent, seq);

      assertEquals(large, Files.readString(f.storeDir.resolve("p2/acme/large.json")));
      assertEquals(1, f.proxy.blobRequests(), "only the large file was fetched");
      StoreAssertions.assertStoreEquals(f.origin.tree(), f.origin.times(), f.storeDir);
    }
  }

  @Test
  void anOriginThatSendsNoInlineContentIsFollowedByFetchingBlobs() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      f.proxy.rewriteFeedEntries(e -> e.remove("content")); // an origin of before issue 21
      long seq = f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of());
      awaitCaughtUp(f.agent, seq);

      assertEquals(SMALL, Files.readString(f.storeDir.resolve("p2/acme/small.json")));
      assertEquals(1, f.proxy.blobRequests());
    }
  }

  @Test
  void damagedInlineContentIsNeverWrittenAndTheBlobIsFetchedInstead() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      Path file = f.storeDir.resolve("p2/acme/small.json");
      List<String> wrong = new CopyOnWriteArrayList<>();
      f.agent.onCommit(entries -> checkContent(file, SMALL, wrong));
      f.proxy.corruptInline(Sha256.of(SMALL.getBytes(UTF_8)));
      long seq = f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of());
      awaitCaughtUp(f.agent, seq);

      assertEquals(SMALL, Files.readString(file));
      assertEquals(1, f.proxy.blobRequests(), "the damaged inline copy was replaced by a fetch");
      assertEquals(List.of(), wrong, "the damaged bytes were never in place");
    }
  }

  @Test
  void inlineContentOfAnotherSizeIsNeverWrittenAndTheBlobIsFetchedInstead() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      Path file = f.storeDir.resolve("p2/acme/small.json");
      List<String> wrong = new CopyOnWriteArrayList<>();
      f.agent.onCommit(entries -> checkContent(file, SMALL, wrong));
      f.proxy.rewriteFeedEntries(e -> setContent(e, SMALL + " "));
      long seq = f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of());
      awaitCaughtUp(f.agent, seq);

      assertEquals(SMALL, Files.readString(file));
      assertEquals(1, f.proxy.blobRequests());
      assertEquals(List.of(), wrong);
    }
  }

  @Test
  void contentOnADeleteIsRefusedAndTheFileStays() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      long kept = f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of());
      awaitCaughtUp(f.agent, kept);
      refusedThenRecovered(
          f,
          e -> {
            if (e.path("op").asText().equals("delete")) {
              e.put("content", "e30=");
            }
          },
          () -> f.origin.publish(Map.of(), List.of("p2/acme/small.json")),
          "a delete carries no content",
          () -> assertTrue(Files.exists(f.storeDir.resolve("p2/acme/small.json")), "not deleted"));
    }
  }

  @Test
  void contentThatIsNotBase64IsRefusedAndNothingIsWritten() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      refusedThenRecovered(
          f,
          e -> e.put("content", "!!not base64!!"),
          () -> f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of()),
          "content is not base64",
          () -> assertFalse(Files.exists(f.storeDir.resolve("p2/acme/small.json"))));
    }
  }

  @Test
  void contentOverTheInlineLimitIsRefusedAndNothingIsWritten() throws Exception {
    try (Following f = follow(SyncAgent.Config.DEFAULT_INLINE_BYTES)) {
      String large = "y".repeat(FeedPage.INLINE_FILE_MAX + 1);
      refusedThenRecovered(
          f,
          e -> setContent(e, large),
          () -> f.origin.publish(Map.of("p2/acme/large.json", large), List.of()),
          "inline content over the limit of 65536 bytes",
          () -> assertFalse(Files.exists(f.storeDir.resolve("p2/acme/large.json"))));
    }
  }

  @Test
  void aPageWithMoreInlineContentThanAskedForIsRefusedAndNothingIsWritten() throws Exception {
    try (Following f = follow(16)) { // SMALL is 31 bytes: the origin sends it as a blob
      refusedThenRecovered(
          f,
          e -> setContent(e, SMALL),
          () -> f.origin.publish(Map.of("p2/acme/small.json", SMALL), List.of()),
          "bytes inline, more than the 16 asked for",
          () -> assertFalse(Files.exists(f.storeDir.resolve("p2/acme/small.json"))));
    }
  }

  /**
   * With {@code edit} applied to every feed entry, {@code publish} is refused with {@code message}
   * and the store stays as {@code unchanged} checks; once the proxy passes pages unchanged, the
   * agent applies the change and equals the origin.
   */
  private static void refusedThenRecovered(
      Following f, Consumer<ObjectNode> edit, Publish publish, String message, Runnable unchanged)
      throws Exception {
    long before = f.store.cursor().seq();
    f.proxy.rewriteFeedEntries(edit);
    long seq = publish.run();
    SyncStatus refused =
        awaitStatus(
            f.agent,
            "an error containing '" + message + "'",
            s -> s.lastError() != null && s.lastError().contains(message));
    assertEquals(before, refused.appliedSeq(), "the cursor did not move");
    unchanged.run();
    StoreAssertions.assertNoTempFiles(f.storeDir);

    f.proxy.stopCorrupting();
    awaitCaughtUp(f.agent, seq);
    StoreAssertions.assertStoreEquals(f.origin.tree(), f.origin.times(), f.storeDir);
  }

  @FunctionalInterface
  private interface Publish {
    long run() throws IOException;
  }

  private static void setContent(ObjectNode entry, String content) {
    if (entry.path("op").asText().equals("put")) {
      entry.put("content", Base64.getEncoder().encodeToString(content.getBytes(UTF_8)));
    }
  }

  private static void checkContent(Path file, String expected, List<String> wrong) {
    try {
      if (Files.exists(file)
          && !Arrays.equals(expected.getBytes(UTF_8), Files.readAllBytes(file))) {
        wrong.add(Files.readString(file));
      }
    } catch (IOException e) {
      wrong.add(e.toString());
    }
  }

  /** An origin with one file, an agent following it through the proxy, caught up. */
  private Following follow(long inlineBytes) throws Exception {
    TestOrigin origin = TestOrigin.start(tmp.resolve("origin"));
    ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri());
    origin.publish(Map.of("packages.json", "{\"round\":0}"), List.of());
    Path storeDir = tmp.resolve("store");
    Store store = Store.open(storeDir);
    SyncAgent agent =
        new SyncAgent(
            store,
            SyncAgent.Config.defaults(proxy.uri())
                .withInlineBytes(inlineBytes)
                .withMaxBackoff(Duration.ofMillis(200))
                .withWaitSeconds(1),
            Clock.systemUTC());
    agent.catchUp();
    agent.start();
    assertEquals(0, proxy.blobRequests(), "the bootstrap reads the snapshot, no blob");
    return new Following(origin, proxy, storeDir, store, agent);
  }

  /** What one test runs against; closed in reverse order of opening. */
  private static final class Following implements AutoCloseable {
    final TestOrigin origin;
    final ByteFlippingProxy proxy;
    final Path storeDir;
    final Store store;
    final SyncAgent agent;

    Following(
        TestOrigin origin, ByteFlippingProxy proxy, Path storeDir, Store store, SyncAgent agent) {
      this.origin = origin;
      this.proxy = proxy;
      this.storeDir = storeDir;
      this.store = store;
      this.agent = agent;
    }

    @Override
    public void close() throws Exception {
      agent.close();
      store.close();
      proxy.close();
      origin.close();
    }
  }
}
