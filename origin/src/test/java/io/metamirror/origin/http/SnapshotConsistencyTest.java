package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.Sha256;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotConsistencyTest {
  @TempDir Path data;

  @Test
  void aSnapshotTakenWhilePublishingContinuesIsTheTreeAtItsSeq() throws Exception {
    try (TestOrigin origin = TestOrigin.start(data)) {
      OriginClient client = new OriginClient(origin.port(), TestOrigin.TOKEN);
      Map<String, String> seed = new TreeMap<>();
      for (int i = 0; i < 300; i++) {
        seed.put("p2/v" + (i % 10) + "/pkg" + i + ".json", "{\"v\":0,\"i\":" + i + "}");
      }
      assertEquals(200, client.batch(seed, List.of()).statusCode());

      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Exception> publisherFailure = new AtomicReference<>();
      Thread publisher =
          new Thread(
              () -> {
                Random random = new Random(7);
                try {
                  for (int round = 1; !stop.get(); round++) {
                    Map<String, String> puts = new TreeMap<>();
                    List<String> deletes = new ArrayList<>();
                    for (int j = 0; j < 20; j++) {
                      int i = random.nextInt(400);
                      String path = "p2/v" + (i % 10) + "/pkg" + i + ".json";
                      if (random.nextInt(5) == 0) {
                        deletes.add(path);
                      } else {
                        puts.put(path, "{\"v\":" + round + ",\"i\":" + i + "}");
                      }
                    }
                    deletes.removeAll(puts.keySet());
                    puts.put("packages.json", "{\"round\":" + round + "}");
                    client.batch(puts, deletes.stream().distinct().toList());
                  }
                } catch (Exception e) {
                  publisherFailure.set(e);
                }
              });
      publisher.start();
      List<Long> seqs = new ArrayList<>();
      try {
        for (int s = 0; s < 8; s++) {
          seqs.add(verifySnapshot(client));
        }
      } finally {
        stop.set(true);
        publisher.join();
      }
      assertEquals(null, publisherFailure.get());
      assertTrue(
          seqs.stream().distinct().count() > 1, "publishing went on between snapshots: " + seqs);
    }
  }

  /** Downloads one snapshot and checks it against the journal; returns its seq. */
  private static long verifySnapshot(OriginClient client) throws Exception {
    HttpResponse<byte[]> response =
        client.http.send(
            HttpRequest.newBuilder(client.base.resolve(".metamirror/snapshot")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    long headerSeq =
        Long.parseLong(response.headers().firstValue("X-Metamirror-Seq").orElseThrow());

    Manifest manifest = null;
    Map<String, Sha256> files = new HashMap<>();
    try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(response.body()));
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        byte[] content = tar.readAllBytes();
        if (manifest == null) {
          assertEquals(Manifest.ARCHIVE_NAME, entry.getName(), "the manifest comes first");
          manifest = Manifest.read(new ByteArrayInputStream(content));
          continue;
        }
        files.put(entry.getName(), Sha256.of(content));
      }
    }
    assertEquals(headerSeq, manifest.seq());

    Map<String, Sha256> listed = new HashMap<>();
    for (Manifest.File f : manifest.files()) {
      listed.put(f.path().value(), f.sha256());
    }
    assertEquals(listed, files, "every file in the archive matches its manifest hash");
    assertEquals(
        replayJournal(client, manifest.seq()), listed, "the manifest is the tree at its seq");
    return manifest.seq();
  }

  /** The tree at {@code seq}, rebuilt from the feed. */
  private static Map<String, Sha256> replayJournal(OriginClient client, long seq) throws Exception {
    Map<String, Sha256> tree = new HashMap<>();
    long since = 0;
    while (since < seq) {
      JsonNode page = client.getJson(".metamirror/feed?since=" + since + "&limit=10000");
      for (JsonNode e : page.get("entries")) {
        if (e.get("seq").asLong() > seq) {
          return tree;
        }
        if (e.get("op").asText().equals("put")) {
          tree.put(e.get("path").asText(), Sha256.parse(e.get("sha256").asText()));
        } else {
          tree.remove(e.get("path").asText());
        }
        since = e.get("seq").asLong();
      }
    }
    return tree;
  }
}
