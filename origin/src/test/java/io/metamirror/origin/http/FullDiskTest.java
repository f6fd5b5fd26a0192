package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.testsupport.disk.Tmpfs;
import io.metamirror.testsupport.origin.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fills a real (small tmpfs) disk under a running origin. Needs permission to mount, as root in CI;
 * skipped elsewhere.
 */
class FullDiskTest {
  @TempDir Path tmp;
  @RegisterExtension final Tmpfs tmpfs = new Tmpfs();

  @Test
  void aFullDiskRefusesThePublishWith507AndLosesNothing() throws Exception {
    Path disk = tmpfs.mount(tmp.resolve("disk"), "1m");
    Path ballast = disk.resolve("ballast");
    Files.write(ballast, new byte[256 * 1024]);
    Path data = disk.resolve("origin");

    try (TestOrigin origin = TestOrigin.start(data)) {
      OriginClient client = new OriginClient(origin.port(), TestOrigin.TOKEN);
      byte[] body = new byte[64 * 1024];
      int published = 0;
      HttpResponse<String> refused = null;
      for (int i = 0; i < 100 && refused == null; i++) {
        Arrays.fill(body, (byte) ('a' + i % 26));
        body[0] = (byte) i;
        HttpResponse<String> r = put(client, "f" + i + ".bin", body);
        if (r.statusCode() == 200) {
          published++;
        } else {
          refused = r;
        }
      }
      assertTrue(refused != null, "the disk filled up");
      assertEquals(507, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("disk is full"), refused.body());
      assertEquals(published, origin.head(), "the refused publish journaled nothing");
      assertEquals(404, client.get("f" + published + ".bin").statusCode());
      try (Stream<Path> staging = Files.list(data.resolve("blobs/.staging"))) {
        assertEquals(0, staging.count(), "no partial blob is left behind");
      }
      assertEquals(200, client.get("f0.bin").statusCode(), "what was published is still served");

      Files.delete(ballast);
      HttpResponse<String> after = put(client, "after.bin", "room again".getBytes());
      assertEquals(200, after.statusCode(), after.body());
      assertEquals(published + 1, origin.head());
    }
    try (OriginRepository reopened =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC())) {
      assertEquals(reopened.head(), reopened.fileCount());
      assertTrue(reopened.head() >= 2);
    }
  }

  private static HttpResponse<String> put(OriginClient client, String path, byte[] body)
      throws Exception {
    return client.http.send(
        HttpRequest.newBuilder(client.base.resolve(".metamirror/api/files/" + path))
            .header("Authorization", "Bearer " + TestOrigin.TOKEN)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
