package io.metamirror.cli.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.cli.CommandOutput;
import io.metamirror.sync.store.Store;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror sync status}: where a store is, and what its agent last reported. */
@Command(
    name = "status",
    description =
        "Show a store's cursor (epoch and applied seq), its file count, and the last status its"
            + " sync agent wrote: state, known head, lag and last error.")
public final class SyncStatusCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin StoreDirectory store;

  @Option(names = "--json", description = "Print the agent's status.json as it is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = cli.out();
    Store.Snapshot snapshot = Store.read(store.path);
    Path statusFile = store.path.resolve(Store.STATE_DIR).resolve("status.json");
    JsonNode status =
        Files.exists(statusFile) ? new ObjectMapper().readTree(statusFile.toFile()) : null;
    if (json) {
      out.println(status == null ? "{}" : status.toString());
      return 0;
    }
    out.printf("store      %s%n", store.path);
    out.printf(
        "cursor     seq %d, epoch %s%n",
        snapshot.cursor().seq(),
        snapshot.cursor().epoch() == null ? "(never synced)" : snapshot.cursor().epoch());
    out.printf("files      %d%n", snapshot.files().size());
    if (status == null) {
      out.println("agent      no status written yet");
      return 0;
    }
    out.printf(
        "agent      %s (pid %s), origin %s, reported %s%n",
        status.path("state").asText(),
        status.path("pid").asText(),
        status.path("origin").asText(),
        Instant.ofEpochMilli(status.path("updated").asLong()));
    out.printf(
        "head       %d known, lag %d entries / %.1f s%n",
        status.path("knownHead").asLong(),
        status.path("lagEntries").asLong(),
        status.path("lagSeconds").asDouble());
    if (!status.path("lastError").isNull() && status.has("lastError")) {
      out.printf(
          "last error %s (at %s)%n",
          status.path("lastError").asText(),
          Instant.ofEpochMilli(status.path("lastErrorTime").asLong()));
    }
    return 0;
  }
}
