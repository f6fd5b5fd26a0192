package io.metamirror.bench.sync;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bootstrap rows: rounds of one {@code metamirror sync --once} into an empty store, each
 * followed by the {@link RsyncBootstrap} reference into an empty directory; the medians are
 * reported. The last round's store and rsync destination are kept for the parts that follow.
 *
 * @param jvmStartSeconds the CLI's JVM start and exit alone: part of every {@code sync --once}
 * @param seconds ours, one a round
 * @param machineCpu ours: busy time of all cores, one a round
 */
record BootstrapRounds(
    double jvmStartSeconds,
    Samples seconds,
    Samples machineCpu,
    List<RsyncBootstrap> references,
    Path store,
    Path rsyncDst) {

  /** One bootstrap: its wall time, and what it cost all the machine's cores. */
  record Cost(double seconds, double machineCpu) {}

  /** {@code rounds} rounds of both bootstraps of the tree, whose file sizes are {@code sizes}. */
  static BootstrapRounds measure(SyncTestbed testbed, int rounds, int[] sizes)
      throws IOException, InterruptedException {
    double jvmStart = testbed.harness().jvmStartSeconds("SYNC_JAVA_OPTS");
    Samples oursSeconds = new Samples();
    Samples oursCpu = new Samples();
    List<RsyncBootstrap> references = new ArrayList<>();
    Path store = null;
    Path rsyncDst = null;
    for (int r = 1; r <= rounds; r++) {
      if (store != null) {
        testbed.processes().run("rm", "-rf", store.toString(), rsyncDst.toString());
      }
      store = testbed.work().resolve("store-" + r);
      rsyncDst = testbed.work().resolve("rsync-dst-" + r);
      Cost ours = syncOnce(testbed, store, sizes);
      oursSeconds.add(ours.seconds());
      oursCpu.add(ours.machineCpu());
      references.add(RsyncBootstrap.measure(testbed, rsyncDst, sizes));
    }
    return new BootstrapRounds(jvmStart, oursSeconds, oursCpu, references, store, rsyncDst);
  }

  /** One {@code sync --once} into an empty store. */
  private static Cost syncOnce(SyncTestbed testbed, Path store, int[] sizes)
      throws IOException, InterruptedException {
    int files = testbed.files();
    Cost cost = testbed.syncOnce(store);
    double seconds = cost.seconds();
    double cpu = cost.machineCpu();
    long seq = JsonFields.cursorSeq(store);
    long count = testbed.countFiles(store, sizes);
    if (seq != files || count != files) {
      throw new BenchFailure(
          "sync --once left cursor seq " + seq + " and " + count + " files, expected " + files);
    }
    System.out.printf(
        Locale.ROOT,
        "bootstrap  metamirror sync --once: %d files in %.3f s = %,.0f files/s, machine CPU"
            + " %.1f s (agent + origin) (store %s)%n",
        files,
        seconds,
        files / seconds,
        cpu,
        store);
    return cost;
  }

  /** Prints every round of each kind, then adds the rows: one figure of ours against three. */
  void report(ResultTable results, int files) {
    Samples plain = new Samples();
    Samples flushed = new Samples();
    Samples flushedCpu = new Samples();
    Samples twins = new Samples();
    Samples twinsCpu = new Samples();
    for (RsyncBootstrap r : references) {
      plain.add(r.plain());
      flushed.add(r.flushed().seconds());
      flushedCpu.add(r.flushed().machineCpu());
      twins.add(r.twins().seconds());
      twinsCpu.add(r.twins().machineCpu());
    }
    System.out.printf(
        Locale.ROOT,
        "bootstrap: a whole `metamirror sync --once` process, JVM start included (%.2f s for"
            + " --version); %d round(s), median reported: metamirror %s s, rsync+flush %s s,"
            + " rsync+twins+flush %s s; machine CPU (all cores, every process): metamirror %s s,"
            + " rsync+flush %s s, rsync+twins+flush %s s%n",
        jvmStartSeconds,
        seconds.size(),
        seconds.list("%.2f", " / ", 1),
        flushed.list("%.2f", " / ", 1),
        twins.list("%.2f", " / ", 1),
        machineCpu.list("%.2f", " / ", 1),
        flushedCpu.list("%.2f", " / ", 1),
        twinsCpu.list("%.2f", " / ", 1));

    double rate = files / seconds.median();
    String bootstrap = "bootstrap, sync --once";
    results
        .add(bootstrap, "files/s", rate, "rsync -a daemon + sync -f", files / flushed.median())
        .note("target >= reference: " + ResultTable.verdict(seconds.median() <= flushed.median()));
    results.add(bootstrap, "files/s", rate, "rsync -a daemon, no flush", files / plain.median());
    results
        .add(bootstrap, "files/s", rate, "rsync + gzip -k twins + sync", files / twins.median())
        .note("same layout: file + .gz twin");
    String cpu = "bootstrap machine CPU";
    results
        .add(cpu, "s", machineCpu.median(), "rsync -a daemon + sync -f", flushedCpu.median())
        .note("all cores, every process: agent + origin; rsync client + daemon");
    results.add(cpu, "s", machineCpu.median(), "rsync + gzip -k twins + sync", twinsCpu.median());
  }
}
