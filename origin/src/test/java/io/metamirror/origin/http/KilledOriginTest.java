package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.metamirror.testsupport.process.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real origin process (SIGKILL) while batches are being published, again and again, and
 * checks after each restart that every batch is there whole or not at all.
 */
class KilledOriginTest {
  private static final int FILES_PER_BATCH = 40;
  private static final String TOKEN = "kill-test-token";

  @TempDir Path data;

  @Test
  void anOriginKilledDuringBatchPublishesServesEachBatchWholeOrNotAtAll() throws Exception {
    Random random = new Random(42);
    AtomicInteger nextBatch = new AtomicInteger(1);
    String epoch = null;
    int acknowledged = 0;
    for (int round = 0; round < 6; round++) {
      Process origin = start();
      try {
        OriginClient client = new OriginClient(port(origin), TOKEN);
        JsonNode health = client.getJson(".metamirror/health");
        if (epoch == null) {
          epoch = health.get("epoch").asText();
        }
        assertEquals(epoch, health.get("epoch").asText(), "the epoch survives a kill");
        int present = verifyTree(client);
        assertTrue(
            present >= acknowledged,
            "every acknowledged batch survived: " + present + " < " + acknowledged);
        nextBatch.set(present + 1);
        acknowledged = present;

        // Publish from another thread and pull the plug at a random moment.
        Thread publisher =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      int k = nextBatch.get();
                      HttpResponse<String> r = client.batch(batch(k), List.of());
                      if (r.statusCode() != 200) {
                        return;
                      }
                      nextBatch.incrementAndGet();
                    }
                  } catch (Exception e) {
                    // The origin died under us: expected.
                  }
                });
        publisher.start();
        Thread.sleep(100 + random.nextInt(400));
        int ackedBeforeKill = nextBatch.get() - 1;
        ChildJvm.kill(origin);
        publisher.join();
        acknowledged = Math.max(acknowledged, ackedBeforeKill);
      } finally {
        ChildJvm.kill(origin);
      }
    }
    Process last = start();
    try {
      int present = verifyTree(new OriginClient(port(last), TOKEN));
      assertTrue(present >= acknowledged);
      assertTrue(present > 1, "the test published something: " + present);
    } finally {
      ChildJvm.kill(last);
    }
  }

  /** Batch k: FILES_PER_BATCH files of its own, then index.json naming k. */
  private static Map<String, String> batch(int k) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < FILES_PER_BATCH; i++) {
      files.put("b" + k + "/f" + i + ".json", "{\"batch\":" + k + ",\"file\":" + i + "}");
    }
    files.put("index.json", "{\"last\":" + k + "}");
    return files;
  }

  /**
   * Checks that the served tree is exactly batches 1..n for some n, with no gap in seqs, and
   * returns n.
   */
  private static int verifyTree(OriginClient client) throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    long since = 0;
    while (true) {
      JsonNode page = client.getJson(".metamirror/feed?since=" + since + "&limit=10000");
      for (JsonNode e : page.get("entries")) {
        assertEquals(since + 1, e.get("seq").asLong(), "seqs have no gaps");
        since = e.get("seq").asLong();
        entries.add(e);
      }
      if (page.get("entries").isEmpty()) {
        assertEquals(page.get("head").asLong(), since);
        break;
      }
    }
    HttpResponse<byte[]> index = client.get("index.json");
    if (index.statusCode() == 404) {
      assertTrue(entries.isEmpty(), "no index means nothing was published");
      return 0;
    }
    int n = OriginClient.JSON.readTree(index.body()).get("last").asInt();
    assertEquals(n * (FILES_PER_BATCH + 1), entries.size(), "entries are exactly batches 1.." + n);
    for (int k = 1; k <= n; k++) {
      for (int i = 0; i < FILES_PER_BATCH; i += 13) {
        HttpResponse<byte[]> file = client.get("b" + k + "/f" + i + ".json");
        assertEquals(200, file.statusCode(), "file " + i + " of batch " + k);
        assertEquals(
            "{\"batch\":" + k + ",\"file\":" + i + "}",
            new String(file.body(), StandardCharsets.UTF_8));
      }
    }
    assertEquals(
        404, client.get("b" + (n + 1) + "/f0.json").statusCode(), "nothing of batch " + (n + 1));
    assertFalse(entries.isEmpty());
    return n;
  }

  private Process start() throws Exception {
    return ChildJvm.command(OriginProcessMain.class, List.of(), data.toString(), TOKEN).start();
  }

  private static int port(Process origin) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(origin.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("port=")) {
      throw new IllegalStateException("origin process did not start: " + line);
    }
    return Integer.parseInt(line.substring(5));
  }
}
