package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.verify.StoreVerifier;
import io.metamirror.sync.verify.StoreVerifier.Problem;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync verify [--repair]}: files damaged on disk after they were synced. */
class VerifyRepairTest {
  private static final String WIDGET = "p2/acme/widget.json";
  private static final String GONE = "p2/vendor/pkg3.json";

  @TempDir Path tmp;
  private TestOrigin origin;
  private Path storeDir;

  @BeforeEach
  void startAnOriginServingTheTree() throws IOException {
    origin = TestOrigin.start(tmp.resolve("origin"));
    origin.publish(tree(), List.of());
    storeDir = tmp.resolve("store");
  }

  @AfterEach
  void closeTheOrigin() throws IOException {
    origin.close();
  }

  @Test
  void verifyListsADamagedAndAMissingFileAndRepairPutsThemBack() throws Exception {
    try (Store store = synced(origin.uri(), storeDir)) {
      Files.writeString(storeDir.resolve(WIDGET), "{\"widget\":\"tampered\"}");
      Files.delete(storeDir.resolve(GONE));
      AtomicLong checked = new AtomicLong();

      List<Problem> problems = StoreVerifier.verify(storeDir, files(store), checked::set);

      assertEquals(origin.tree().size(), checked.get(), "every file was checked");
      assertEquals(
          List.of(ContentPath.parse(WIDGET), ContentPath.parse(GONE)),
          problems.stream().map(Problem::path).toList(),
          problems.toString());
      assertEquals(
          "content is "
              + Sha256.of("{\"widget\":\"tampered\"}".getBytes(StandardCharsets.UTF_8))
              + ", expected "
              + store.file(ContentPath.parse(WIDGET)).sha256(),
          problems.get(0).what());
      assertEquals("missing or not a regular file", problems.get(1).what());

      int repaired = StoreVerifier.repair(store, problems, blobSource(origin.uri()));

      assertEquals(2, repaired);
      assertEquals(List.of(), StoreVerifier.verify(storeDir, files(store), n -> {}));
      assertEquals(
          (long) origin.times().get(WIDGET),
          Files.getLastModifiedTime(storeDir.resolve(WIDGET)).toMillis(),
          "the repaired file has its journal time");
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
    }
  }

  @Test
  void verifyFindsATwinWithOtherContentAndRepairRewritesIt() throws Exception {
    try (Store store = synced(origin.uri(), storeDir)) {
      Path twin = storeDir.resolve("packages.json.gz");
      assertTrue(Files.exists(twin), "packages.json compresses, so it has a twin");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(twin))) {
        out.write("{\"stale\":true}".getBytes(StandardCharsets.UTF_8));
      }

      List<Problem> problems = StoreVerifier.verify(storeDir, files(store), n -> {});

      assertEquals(
          List.of(
              new Problem(ContentPath.parse("packages.json"), "its .gz twin holds other content")),
          problems);
      assertEquals(1, StoreVerifier.repair(store, problems, blobSource(origin.uri())));
      assertEquals(List.of(), StoreVerifier.verify(storeDir, files(store), n -> {}));
      StoreAssertions.assertStoreEquals(origin.tree(), origin.times(), storeDir);
    }
  }

  @Test
  void repairNeverInstallsContentThatArrivesDamaged() throws Exception {
    try (ByteFlippingProxy proxy = ByteFlippingProxy.start(origin.uri());
        Store store = synced(origin.uri(), storeDir)) {
      byte[] tampered = "{\"widget\":\"tampered\"}".getBytes(StandardCharsets.UTF_8);
      Files.write(storeDir.resolve(WIDGET), tampered);
      List<Problem> problems = StoreVerifier.verify(storeDir, files(store), n -> {});
      proxy.corruptBlob(store.file(ContentPath.parse(WIDGET)).sha256());

      assertThrows(
          IOException.class, () -> StoreVerifier.repair(store, problems, blobSource(proxy.uri())));

      assertArrayEquals(tampered, Files.readAllBytes(storeDir.resolve(WIDGET)), "untouched");
      StoreAssertions.assertNoTempFiles(storeDir);
      assertEquals(problems, StoreVerifier.verify(storeDir, files(store), n -> {}));
    }
  }

  private static Store synced(URI origin, Path storeDir) throws IOException {
    Store store = Store.open(storeDir);
    try (SyncAgent agent =
        new SyncAgent(
            store,
            SyncAgent.Config.defaults(origin).withMaxBackoff(Duration.ofMillis(200)),
            Clock.systemUTC())) {
      agent.catchUp();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private static StoreVerifier.BlobSource blobSource(URI origin) {
    return SyncAgent.blobSource(SyncAgent.Config.defaults(origin));
  }

  private static List<LocalFile> files(Store store) {
    return List.copyOf(store.files());
  }

  private static Map<String, String> tree() {
    Map<String, String> tree = new TreeMap<>();
    tree.put("packages.json", "{\"packages\":[],\"" + "includes".repeat(50) + "\":{}}");
    tree.put(WIDGET, "{\"widget\":\"1.0\",\"" + "d".repeat(200) + "\":0}");
    for (int i = 0; i < 10; i++) {
      tree.put("p2/vendor/pkg" + i + ".json", "{\"pkg\":" + i + "}");
    }
    return tree;
  }
}
