package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The check before any round: both servers return the published bytes for every file, so that the
 * rounds compare servers sending the same bodies.
 */
final class PublishedBytes {
  private PublishedBytes() {}

  /** Every file from both servers, every 10th with gzip: status 200 and the published bytes. */
  static void check(String mirrorUrl, String nginxUrl, HttpClient client, List<byte[]> contents)
      throws IOException, InterruptedException {
    for (int i = 0; i < contents.size(); i++) {
      boolean gzip = i % 10 == 0;
      String path = ComposerLikeFiles.path(i);
      for (String base : List.of(mirrorUrl, nginxUrl)) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(base + "/" + path)).timeout(Duration.ofSeconds(10));
        if (gzip) {
          request.header("Accept-Encoding", "gzip");
        }
        HttpResponse<byte[]> r =
            client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = r.body();
        if (gzip) {
          if (!r.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            throw new BenchFailure(base + "/" + path + " with Accept-Encoding: gzip: not gzip");
          }
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            body = in.readAllBytes();
          }
        }
        if (r.statusCode() != 200 || !Arrays.equals(body, contents.get(i))) {
          throw new BenchFailure(
              base + "/" + path + ": HTTP " + r.statusCode() + ", not the published bytes");
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "checked: %s and %s return the published bytes for all %d files (every 10th gzipped)%n",
        mirrorUrl,
        nginxUrl,
        contents.size());
  }
}
