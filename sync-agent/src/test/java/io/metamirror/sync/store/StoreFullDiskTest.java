package io.metamirror.sync.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metamirror.protocol.Epoch;
import io.metamirror.testsupport.disk.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a real (small tmpfs) disk that is full at the moment of a commit. Needs permission to
 * mount, as root in CI; skipped elsewhere.
 */
class StoreFullDiskTest {
  private static final int PAGE = 4096;

  @TempDir Path tmp;
  @RegisterExtension final Tmpfs tmpfs = new Tmpfs();

  /**
   * tmpfs, like most file systems, writes what fits and then fails: the manifest log gets part of a
   * line. The commit is retried when there is room, and later lines must not be lost behind it.
   */
  @Test
  void aManifestAppendCutShortByAFullDiskLosesNothingOnceRetried() throws Exception {
    Path disk = tmpfs.mount(tmp.resolve("disk"), "256k");
    Path dir = disk.resolve("store");
    Path log = dir.resolve(".metamirror/manifest.log");
    Epoch epoch = Epoch.random();
    List<LocalFile> committed = new ArrayList<>();
    try (Store store = Store.open(dir)) {
      long seq = 100; // three digits throughout, so every line is as long
      // Lines of equal length, up to the last one that fits in the log's first page.
      commit(store, epoch, StoreTest.file(path(seq), seq), committed);
      long line = Files.size(log);
      assumeTrue(PAGE % line != 0, "a line must straddle the page boundary");
      while (Files.size(log) + line < PAGE) {
        seq++;
        commit(store, epoch, StoreTest.file(path(seq), seq), committed);
      }
      assertTrue(Files.size(log) + line > PAGE, "the next line straddles the page boundary");
      Path ballast = disk.resolve("ballast");
      fill(ballast);

      long last = seq;
      LocalFile straddling = StoreTest.file(path(last + 1), last + 1);
      assertThrows(
          IOException.class,
          () ->
              store.commit(
                  new Cursor(epoch, last + 1),
                  List.of(),
                  List.of(),
                  List.of(StoreChange.put(straddling))));
      assertEquals(new Cursor(epoch, last), store.cursor());

      Files.delete(ballast);
      commit(store, epoch, straddling, committed); // the agent applies the page again
      commit(store, epoch, StoreTest.file(path(last + 2), last + 2), committed);
    }

    try (Store store = Store.open(dir)) {
      assertEquals(committed.size(), store.fileCount(), "every committed file is in the manifest");
      for (LocalFile f : committed) {
        assertEquals(f, store.file(f.path()));
      }
    }
  }

  private static void commit(Store store, Epoch epoch, LocalFile f, List<LocalFile> committed)
      throws IOException {
    store.commit(new Cursor(epoch, f.seq()), List.of(), List.of(), List.of(StoreChange.put(f)));
    committed.add(f);
  }

  /** As long for every seq from 100 to 999. */
  private static String path(long seq) {
    return String.format("p2/vendor/pkg%03d.json", seq);
  }

  private static void fill(Path ballast) throws IOException {
    byte[] page = new byte[PAGE];
    try (OutputStream out = Files.newOutputStream(ballast)) {
      while (true) {
        out.write(page);
        out.flush();
      }
    } catch (IOException e) {
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }
  }
}
