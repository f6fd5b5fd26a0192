package io.metamirror.cli.publish;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.metamirror.origin.publishdir.DirectoryPlan;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes a directory to a running origin through its batch API. Reads the origin's manifest,
 * plans with {@link DirectoryPlan}, then sends batches in plan order: plain files in batches of at
 * most {@link #MAX_CHANGES} changes or {@link #MAX_BYTES} bytes of content, then index files, then
 * deletions. Each batch is atomic at the origin and the order between batches is the plan's, so a
 * mirror never sees an index before the files it references. Every put carries its sha256, so a
 * file that changes while it is read is refused (422) rather than published torn.
 *
 * <p>A publish of more than one batch is not atomic: a reader may see the first batches before the
 * last, and a publish that fails half-way leaves the batches before the failure published. The
 * index files and the deletions come in the last batches, so until those land readers see the old
 * indexes, which name only files that are still there; running the publish again sends what is
 * left.
 */
public final class RemotePublisher {
  static final int MAX_CHANGES = 1000;
  static final long MAX_BYTES = 16L << 20;
  private static final JsonFactory FACTORY = new JsonFactory();

  private final OriginApi api;

  public RemotePublisher(URI origin, String token) {
    this.api = new OriginApi(origin, token);
  }

  /** The origin's tree now: path → sha256. */
  public Map<ContentPath, Sha256> currentTree() throws IOException {
    HttpResponse<InputStream> response =
        api.send(
            HttpRequest.newBuilder(api.resolve(".metamirror/manifest")).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(
            "origin answered "
                + response.statusCode()
                + " for its manifest: "
                + new String(body.readAllBytes()));
      }
      Map<ContentPath, Sha256> tree = new HashMap<>();
      for (Manifest.File f : Manifest.read(body).files()) {
        tree.put(f.path(), f.sha256());
      }
      return tree;
    }
  }

  /**
   * One batch the origin accepted: the {@code batch}th of {@code batches}, with {@code changes}
   * changes, {@code sent} of the plan's {@code total} changes sent so far, and the origin's head
   * after it.
   */
  public record BatchSent(int batch, int batches, int changes, long sent, long total, long head) {
    /**
     * One log line, e.g. {@code event=batch_sent batch=3/21 changes=1000 sent=3000/21000 head=42}.
     */
    public String line() {
      return String.format(
          "event=batch_sent batch=%d/%d changes=%d sent=%d/%d head=%d",
          batch, batches, changes, sent, total, head);
    }
  }

  /** Sends the plan; {@code progress} hears of each batch once it is in. Returns the final head. */
  public long publish(DirectoryPlan plan, Consumer<BatchSent> progress) throws IOException {
    List<List<Object>> batches = new ArrayList<>();
    chunk(new ArrayList<>(plan.files()), batches);
    List<Object> last = new ArrayList<>(plan.indexes());
    last.addAll(plan.deletes());
    chunk(last, batches);
    long head = -1;
    int sent = 0;
    for (int i = 0; i < batches.size(); i++) {
      List<Object> batch = batches.get(i);
      head = postBatch(batch);
      sent += batch.size();
      progress.accept(
          new BatchSent(i + 1, batches.size(), batch.size(), sent, plan.changes(), head));
    }
    return head;
  }

  private static void chunk(List<Object> changes, List<List<Object>> into) {
    List<Object> current = new ArrayList<>();
    long bytes = 0;
    for (Object change : changes) {
      long size = change instanceof DirectoryPlan.Put put ? put.size() : 0;
      if (!current.isEmpty() && (current.size() >= MAX_CHANGES || bytes + size > MAX_BYTES)) {
        into.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(change);
      bytes += size;
    }
    if (!current.isEmpty()) {
      into.add(current);
    }
  }

  private long postBatch(List<Object> changes) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator json = FACTORY.createGenerator(body)) {
      json.writeStartObject();
      json.writeArrayFieldStart("changes");
      for (Object change : changes) {
        json.writeStartObject();
        if (change instanceof DirectoryPlan.Put put) {
          json.writeStringField("op", "put");
          json.writeStringField("path", put.path().value());
          json.writeStringField("sha256", put.sha256().hex());
          json.writeBinaryField("content", Files.readAllBytes(put.file()));
        } else {
          json.writeStringField("op", "delete");
          json.writeStringField("path", change.toString());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return api.exchange(
            api.post(".metamirror/api/batch", body.toByteArray()).build(), "batch", "; ")
        .path("head")
        .asLong();
  }
}
