package io.metamirror.cli.sync;

import io.metamirror.cli.CommandOutput;
import io.metamirror.sync.agent.SyncAgent;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.verify.StoreVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror sync verify}: re-hash a store against its manifest, optionally repair it. */
@Command(
    name = "verify",
    description =
        "Re-hash every file of a store against its local manifest and list what is missing or"
            + " different (files checked of the total shown while it runs: a bar on a terminal,"
            + " otherwise a line every 5 s on stderr). With --repair, fetch the right content from the origin and put it in"
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
      problems = verify(snapshot.files());
      report(out, snapshot.files().size(), problems);
      return problems.isEmpty() ? 0 : 1;
    }
    try (Store opened = Store.open(store.path)) {
      List<LocalFile> files = new ArrayList<>(opened.files());
      problems = verify(files);
      report(out, files.size(), problems);
      if (problems.isEmpty()) {
        return 0;
      }
      int repaired =
          StoreVerifier.repair(
              opened, problems, SyncAgent.blobSource(SyncAgent.Config.defaults(origin)));
      List<StoreVerifier.Problem> left = verify(files);
      out.printf("repaired %d file(s); %d problem(s) left%n", repaired, left.size());
      left.forEach(p -> out.printf("  %s: %s%n", p.path(), p.what()));
      return left.isEmpty() ? 0 : 1;
    }
  }

  /** Verifies {@code files}, showing files checked of the total while it runs. */
  private List<StoreVerifier.Problem> verify(List<LocalFile> files) throws IOException {
    AtomicLong checked = new AtomicLong();
    try (Progress progress =
        Progress.start(
            () -> new Progress.Count("verifying", checked.get(), files.size(), "files"),
            cli.err(),
            Progress.onTerminal())) {
      return StoreVerifier.verify(store.path, files, checked::set);
    }
  }

  private static void report(PrintWriter out, int checked, List<StoreVerifier.Problem> problems) {
    out.printf("checked %d file(s): %d problem(s)%n", checked, problems.size());
    problems.forEach(p -> out.printf("  %s: %s%n", p.path(), p.what()));
  }
}
