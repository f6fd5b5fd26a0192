package io.metamirror.cli.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.publish.OriginApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends version documents to an origin's Composer publishing API ({@code POST
 * /.metamirror/api/composer/packages}). Documents are sent sorted by package name in requests of at
 * most {@link #MAX_DOCUMENTS} documents or {@link #MAX_BYTES} bytes, cut between packages where
 * possible, so each package is usually regenerated once. Each request is all-or-nothing at the
 * origin; a refused request stops the run and names every problem the origin listed.
 */
public final class ComposerApiClient {
  static final int MAX_DOCUMENTS = 5000;
  static final long MAX_BYTES = 16L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OriginApi api;

  public ComposerApiClient(URI origin, String token) {
    this.api = new OriginApi(origin, token);
  }

  /** What a run published: packages touched, versions sent, and the origin's head afterwards. */
  public record Summary(int packages, int versions, long head) {}

  /** Publishes every document; progress lines go to {@code progress}. */
  public Summary publish(List<ObjectNode> documents, Consumer<String> progress) throws IOException {
    List<ObjectNode> sorted = new ArrayList<>(documents);
    sorted.sort(Comparator.comparing(d -> d.path("name").asText()));
    java.util.Set<String> packages = new java.util.HashSet<>();
    long head = -1;
    int sent = 0;
    int from = 0;
    while (from < sorted.size()) {
      int to = from;
      long bytes = 0;
      int lastBoundary = -1;
      while (to < sorted.size()) {
        long size = JSON.writeValueAsBytes(sorted.get(to)).length + 1L;
        if (to > from && (to - from >= MAX_DOCUMENTS || bytes + size > MAX_BYTES)) {
          break;
        }
        if (to > from
            && !sorted
                .get(to)
                .path("name")
                .asText()
                .equals(sorted.get(to - 1).path("name").asText())) {
          lastBoundary = to;
        }
        bytes += size;
        to++;
      }
      if (to < sorted.size() && lastBoundary > from) {
        to = lastBoundary; // do not split a package across requests when avoidable
      }
      JsonNode answer = post(sorted.subList(from, to));
      head = answer.path("head").asLong(head);
      answer.path("packages").fieldNames().forEachRemaining(packages::add);
      sent += to - from;
      progress.accept(
          String.format(
              "published %,d of %,d versions (%,d packages so far), head %d",
              sent, sorted.size(), packages.size(), head));
      from = to;
    }
    return new Summary(packages.size(), sent, head);
  }

  private JsonNode post(List<ObjectNode> batch) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    JSON.writeValue(body, batch);
    // The origin answers after regenerating every package the request names: allow it time.
    return api.exchange(
        api.post(".metamirror/api/composer/packages", body.toByteArray())
            .timeout(Duration.ofMinutes(5))
            .build(),
        "versions",
        "\n  ");
  }
}
