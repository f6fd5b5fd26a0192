package io.metamirror.sync.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.protocol.AtomicFile;
import io.metamirror.protocol.Epoch;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shrink guard (issue 17, item 9): refuses a snapshot or a feed page that would remove more
 * than {@code maxShrinkPercent} of the store's files, so that an origin restored from a wrong
 * (empty or much older) backup does not empty every node. The refused change is not applied at all:
 * the old tree keeps serving, and the agent asks again at each retry, so it resumes by itself once
 * the origin is fixed.
 *
 * <p>Two files in {@code STORE/.metamirror/}, each replaced whole ({@link AtomicFile}):
 *
 * <pre>
 * shrink-refused.json  (the agent, at each refusal; deleted once a change passes the guard)
 * {"format":1,"what":"snapshot","epoch":"9f86d081884c7d659a2feaa0c55ad015","seq":57,
 *  "files":20,"removed":18}
 * shrink-accepted.json (metamirror sync accept-epoch: the epoch and seq of the refusal)
 * {"format":1,"epoch":"9f86d081884c7d659a2feaa0c55ad015","seq":57}
 * </pre>
 *
 * An accepted shrink lets through any snapshot of its epoch, or a page of its epoch that ends at or
 * before its seq, once: the agent deletes the file when that change has committed. Files of another
 * format are ignored (a refusal then stays refused, which is the safe side).
 */
public final class ShrinkGuard {
  public static final int FORMAT = 1;
  static final String REFUSED_FILE = "shrink-refused.json";
  static final String ACCEPTED_FILE = "shrink-accepted.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A change that would remove {@code removed} of the store's {@code files} files.
   *
   * @param what {@code snapshot} or {@code page}
   * @param seq the snapshot's seq, or the page's last seq
   */
  public record Change(String what, Epoch epoch, long seq, int files, int removed) {
    int percent() {
      return files == 0 ? 0 : (int) Math.round(removed * 100.0 / files);
    }
  }

  private final Path stateDir;
  private final int maxShrinkPercent;

  ShrinkGuard(Path stateDir, int maxShrinkPercent) {
    if (maxShrinkPercent < 0 || maxShrinkPercent > 100) {
      throw new IllegalArgumentException("maxShrinkPercent not in 0..100: " + maxShrinkPercent);
    }
    this.stateDir = stateDir;
    this.maxShrinkPercent = maxShrinkPercent;
  }

  /** Whether removing {@code removed} of {@code files} files is more than the allowed share. */
  static boolean shrinksTooMuch(int files, int removed, int maxShrinkPercent) {
    return (long) removed * 100 > (long) maxShrinkPercent * files;
  }

  /**
   * Lets {@code change} through or throws {@link ShrinkRefusedException}. Returns whether it passes
   * only because an operator accepted it; then {@link #acceptanceUsed()} is due once it commits.
   */
  boolean check(Change change) throws IOException {
    if (!shrinksTooMuch(change.files(), change.removed(), maxShrinkPercent)) {
      Files.deleteIfExists(stateDir.resolve(REFUSED_FILE));
      return false;
    }
    if (accepts(readAccepted(stateDir), change)) {
      Files.deleteIfExists(stateDir.resolve(REFUSED_FILE));
      return true;
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("what", change.what());
    node.put("epoch", change.epoch().value());
    node.put("seq", change.seq());
    node.put("files", change.files());
    node.put("removed", change.removed());
    AtomicFile.at(stateDir.resolve(REFUSED_FILE)).write(JSON.writeValueAsBytes(node));
    throw new ShrinkRefusedException(change, maxShrinkPercent, stateDir.getParent());
  }

  /** Deletes the acceptance an accepted change used, so that it lets one change through. */
  void acceptanceUsed() throws IOException {
    Files.deleteIfExists(stateDir.resolve(ACCEPTED_FILE));
  }

  private static boolean accepts(JsonNode accepted, Change change) {
    if (accepted == null || !change.epoch().value().equals(accepted.path("epoch").asText())) {
      return false;
    }
    return change.what().equals("snapshot") || change.seq() <= accepted.path("seq").asLong(-1);
  }

  private static JsonNode readAccepted(Path stateDir) throws IOException {
    return readFormat(stateDir.resolve(ACCEPTED_FILE));
  }

  private static JsonNode readFormat(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      return node != null && node.path("format").asInt(-1) == FORMAT ? node : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }

  /**
   * For {@code metamirror sync accept-epoch}: accepts the change the agent of the store at {@code
   * root} last refused, and returns it; null when it refused none. Needs no lock: the agent reads
   * the acceptance at its next retry.
   */
  public static Change accept(Path root) throws IOException {
    Path stateDir = root.resolve(Store.STATE_DIR);
    JsonNode refused = readFormat(stateDir.resolve(REFUSED_FILE));
    if (refused == null) {
      return null;
    }
    Change change =
        new Change(
            refused.path("what").asText(),
            new Epoch(refused.path("epoch").asText()),
            refused.path("seq").asLong(),
            refused.path("files").asInt(),
            refused.path("removed").asInt());
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("epoch", change.epoch().value());
    node.put("seq", change.seq());
    AtomicFile.at(stateDir.resolve(ACCEPTED_FILE)).write(JSON.writeValueAsBytes(node));
    return change;
  }
}
