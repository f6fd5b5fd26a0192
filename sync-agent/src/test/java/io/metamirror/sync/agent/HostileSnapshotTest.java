package io.metamirror.sync.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.Sha256;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Snapshots whose tar headers disagree with their manifest, as a broken or hostile origin could
 * send them: served as crafted bytes by a real HTTP server on loopback, since the origin cannot be
 * made to write them. Nothing of them may be installed, and the agent must not trust a header's
 * size for what it allocates.
 */
class HostileSnapshotTest {
  private static final byte[] CONTENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  /**
   * The header claims 8 GiB (the most a plain tar header holds) where the manifest says 7 bytes,
   * and the stream then ends. An agent that sized its buffer by the header would fail here with an
   * error that is not an IOException (no such array, or no memory for it).
   */
  @Test
  void anEntryClaimingAHugeSizeIsRefusedWithoutReadingItIntoMemory() throws Exception {
    byte[] snapshot = snapshot(077777777777L, CONTENT, false);

    IOException e = bootstrapFrom(snapshot);

    assertTrue(e.getMessage().contains("a.json") || e.getMessage().contains("TAR"), e.getMessage());
  }

  /**
   * The header (and the bytes in the entry) give another size than the manifest's 7 bytes: longer
   * or shorter. The error names the size that arrived ({@code +}: at least that much).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"'{\"a\":123}', (9+ bytes)", "'{\"a\"}', (5 bytes)"})
  void anEntryOfAnotherSizeThanItsManifestSaysIsRefused(String content, String arrived)
      throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    byte[] snapshot = snapshot(bytes.length, bytes, true);

    IOException e = bootstrapFrom(snapshot);

    assertTrue(e.getMessage().contains("arrived as"), e.getMessage());
    assertTrue(e.getMessage().contains(arrived), e.getMessage());
  }

  /** Runs one catch-up against {@code snapshot}; asserts that it failed and left nothing. */
  private IOException bootstrapFrom(byte[] snapshot) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/.metamirror/snapshot",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/gzip");
          exchange.sendResponseHeaders(200, snapshot.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(snapshot);
          }
        });
    server.start();
    Path storeDir = tmp.resolve("store");
    try (Store store = Store.open(storeDir);
        SyncAgent agent =
            new SyncAgent(
                store,
                SyncAgent.Config.defaults(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .withMaxBackoff(Duration.ofMillis(200))
                    .withWaitSeconds(1),
                Clock.systemUTC())) {
      IOException e = assertThrows(IOException.class, agent::catchUp);

      assertEquals(Cursor.EMPTY, store.cursor());
      assertEquals(Map.of(), StoreAssertions.contentFiles(storeDir, Map.of()), "nothing");
      return e;
    } finally {
      server.stop(0);
    }
  }

  /**
   * A gzip-compressed tar as the origin writes it, whose manifest lists {@code a.json} with {@link
   * #CONTENT}, but whose entry for it has a header saying {@code headerSize} and holds {@code
   * bytes}; {@code complete}: whether the archive is then finished properly.
   */
  private static byte[] snapshot(long headerSize, byte[] bytes, boolean complete)
      throws IOException {
    Manifest manifest =
        new Manifest(
            Epoch.random(),
            1,
            List.of(
                new Manifest.File(
                    ContentPath.parse("a.json"),
                    Sha256.of(CONTENT),
                    CONTENT.length,
                    1_700_000_000_000L,
                    1)));
    ByteArrayOutputStream manifestBytes = new ByteArrayOutputStream();
    manifest.write(manifestBytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GZIPOutputStream gzip = new GZIPOutputStream(out);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8");
    TarArchiveEntry first = new TarArchiveEntry(Manifest.ARCHIVE_NAME, true);
    first.setSize(manifestBytes.size());
    tar.putArchiveEntry(first);
    manifestBytes.writeTo(tar);
    tar.closeArchiveEntry();
    TarArchiveEntry entry = new TarArchiveEntry("a.json", true);
    entry.setSize(headerSize);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    if (complete) {
      tar.closeArchiveEntry();
      tar.finish();
    } else {
      tar.flush(); // the rest of the entry never comes: end the gzip stream cleanly here
    }
    gzip.finish();
    return out.toByteArray();
  }
}
