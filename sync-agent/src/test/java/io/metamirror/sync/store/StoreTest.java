package io.metamirror.sync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path tmp;

  @Test
  void aStoreOpenedTwiceIsRefusedAsInUse() throws Exception {
    Path dir = tmp.resolve("store");
    try (Store first = Store.open(dir)) {
      assertTrue(first.isEmpty());
      StoreLockedException e = assertThrows(StoreLockedException.class, () -> Store.open(dir));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
    try (Store again = Store.open(dir)) {
      assertTrue(again.isEmpty(), "once closed, it opens again");
    }
  }

  @Test
  void tempFilesAreWrittenUnderTheStateDirectoryWhereNothingServesThem() throws Exception {
    Path dir = tmp.resolve("store");
    try (Store store = Store.open(dir)) {
      Path temp = store.tempFile();
      assertEquals(dir.resolve(".metamirror/tmp"), temp.getParent());
      assertEquals(temp.getParent(), Store.twinFile(temp).getParent());
    }
  }

  @Test
  void openingAStoreDeletesTheTempFilesACrashLeftBehind() throws Exception {
    Path dir = tmp.resolve("store");
    Path temp;
    Path legacy = dir.resolve("p2/acme/.widget.json.tmp-5f1c2a3b-0000-4000-8000-000000000000");
    try (Store store = Store.open(dir)) {
      temp = store.tempFile();
      Files.writeString(temp, "half a wid");
      Files.writeString(Store.twinFile(temp), "half a twin");
    }
    Files.createDirectories(legacy.getParent());
    Files.writeString(legacy, "left beside its target by an older version");
    Files.writeString(dir.resolve("p2/acme/.hidden-but-not-ours"), "kept");

    try (Store store = Store.open(dir)) {
      assertTrue(store.isEmpty());
      assertFalse(Files.exists(temp));
      assertFalse(Files.exists(Store.twinFile(temp)));
      assertFalse(Files.exists(legacy));
      assertTrue(Files.exists(dir.resolve("p2/acme/.hidden-but-not-ours")));
    }
  }

  @Test
  void committedFilesAreInTheManifestWhenTheStoreIsOpenedAgain() throws Exception {
    Path dir = tmp.resolve("store");
    Epoch epoch = Epoch.random();
    LocalFile widget = file("p2/acme/widget.json", 1);
    LocalFile gadget = file("p2/acme/gadget.json", 2);
    try (Store store = Store.open(dir)) {
      store.commit(new Cursor(epoch, 1), List.of(), List.of(), List.of(StoreChange.put(widget)));
      store.commit(new Cursor(epoch, 2), List.of(), List.of(), List.of(StoreChange.put(gadget)));
      store.commit(
          new Cursor(epoch, 3),
          List.of(),
          List.of(),
          List.of(StoreChange.delete(widget.path(), 3)));
    }
    try (Store store = Store.open(dir)) {
      assertEquals(new Cursor(epoch, 3), store.cursor());
      assertEquals(List.of(gadget), List.copyOf(store.files()));
    }
  }

  @Test
  void aPathDeletedAndPutAgainInOneCommitIsInTheManifestBeforeAndAfterReopening() throws Exception {
    Path dir = tmp.resolve("store");
    Epoch epoch = Epoch.random();
    LocalFile first = file("p2/acme/widget.json", 1);
    LocalFile again = file("p2/acme/widget.json", 3);
    try (Store store = Store.open(dir)) {
      store.commit(
          new Cursor(epoch, 3),
          List.of(),
          List.of(),
          List.of(
              StoreChange.put(first), StoreChange.delete(first.path(), 2), StoreChange.put(again)));
      assertEquals(again, store.file(again.path()));
    }
    try (Store store = Store.open(dir)) {
      assertEquals(List.of(again), List.copyOf(store.files()));
    }
  }

  static LocalFile file(String path, long seq) {
    byte[] content = ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
    return new LocalFile(
        ContentPath.parse(path), Sha256.of(content), content.length, 1_700_000_000_000L + seq, seq);
  }
}
