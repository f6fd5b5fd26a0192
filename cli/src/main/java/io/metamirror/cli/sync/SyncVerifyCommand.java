package io.metamirror.cli.sync;

import io.metamirror.cli.CommandOutput;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.verify.StoreVerifier;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror sync verify}: re-hash a store against its manifest, optionally repair it. */
@Command(
    name = "verify",
    description =
        "Re-hash every file of a store against its local manifest and list what is missing or"
            + " different. With --repair, fetch the right content from the origin and put it in"
            + " place. Exits 1 when problems remain.")
public final class SyncVerifyCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin StoreDirectory store;

  @Option(
      names = "--repair",
      description = "Re-fetch every damaged or missing file (needs --origin).")
  boolean repair;

  @Option(names = "--origin", paramLabel = "URL", description = "The origin to repair from.")
  URI origin;

  @Override
  public Integer call() throws Exception {
    if (repair && origin == null) {
      throw cli.usageError("--repair needs --origin URL");
    }
    PrintWriter out = cli.out();
    List<StoreVerifier.Problem> problems;
    if (!repair) {
      Store.Snapshot snapshot = Store.read(store.path);
      problems = StoreVerifier.verify(store.path, snapshot.files(), n -> {});
      report(out, snapshot.files().size(), problems);
      return problems.isEmpty() ? 0 : 1;
    }
    try (Store opened = Store.open(store.path)) {
      List<io.metamirror.sync.store.LocalFile> files = new ArrayList<>(opened.files());
      problems = StoreVerifier.verify(store.path, files, n -> {});
      report(out, files.size(), problems);
      if (problems.isEmpty()) {
        return 0;
      }
      int repaired =
          StoreVerifier.repair(
              opened, problems, SyncAgent.blobSource(SyncAgent.Config.defaults(origin)));
      List<StoreVerifier.Problem> left = StoreVerifier.verify(store.path, files, n -> {});
      out.printf("repaired %d file(s); %d problem(s) left%n", repaired, left.size());
      left.forEach(p -> out.printf("  %s: %s%n", p.path(), p.what()));
      return left.isEmpty() ? 0 : 1;
    }
  }

  private static void report(PrintWriter out, int checked, List<StoreVerifier.Problem> problems) {
    out.printf("checked %d file(s): %d problem(s)%n", checked, problems.size());
    problems.forEach(p -> out.printf("  %s: %s%n", p.path(), p.what()));
  }
}
