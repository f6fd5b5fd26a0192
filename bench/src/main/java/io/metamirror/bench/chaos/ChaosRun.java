package io.metamirror.bench.chaos;

import io.metamirror.bench.chaos.ResponseJudge.Observation;
import io.metamirror.bench.chaos.ResponseJudge.Outcome;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.protocol.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * One chaos run: starts the {@link ChaosFleet}, publishes the first files, puts the {@link
 * ClientLoad} and a background publisher on it, then injects each fault in turn (each round, each
 * node fault on the next node), and after each waits for every node to catch up. Every GET is
 * judged ({@link ResponseJudge}) and counted in the row of the fault under way when it was sent.
 * Only the calling thread drives the faults; readers and the publisher run on their own threads.
 */
final class ChaosRun {
  /** Findings logged in full per row; the rest are only counted. */
  private static final int FINDINGS_SHOWN = 10;

  private static final int DAMAGE_PROBES = 10;
  private static final String STEADY = "steady load";

  private record Phase(long start, FaultTally row) {}

  private final Harness harness;
  private final ChaosSettings settings;
  private final PublishTimeline timeline = new PublishTimeline();
  private final DeclaredWindows down = new DeclaredWindows();
  private final ResponseJudge judge = new ResponseJudge(timeline, down);

  /** Every row, in the order the faults first ran; guarded by itself. */
  private final List<FaultTally> rows = new ArrayList<>();

  /** When a fault's row began to count, in order; guarded by {@link #rows}. */
  private final List<Phase> phases = new ArrayList<>();

  /** The first wrong answers of each row in detail; guarded by itself. */
  private final List<String> findings = new ArrayList<>();

  private final AtomicInteger findingCount = new AtomicInteger();
  private final long startedAt = System.nanoTime();
  private ChaosFleet fleet;
  private Publisher publisher;
  private ClientLoad load;

  ChaosRun(Harness harness, ChaosSettings settings) {
    this.harness = harness;
    this.settings = settings;
  }

  /** Runs every fault; returns the rows (the table) once the load has stopped. */
  ChaosReport run() throws IOException, InterruptedException {
    fleet = ChaosFleet.start(harness, ChaosSettings.NODES, settings.oneWay());
    publisher =
        new Publisher(
            fleet.origin(), timeline, new ComposerLikeFiles(17, 1_536), this::publishFailed);
    for (int i = 0; i < settings.initialFiles(); i++) {
      if (!publisher.publishNew()) {
        throw new IOException("the origin refused an initial publish");
      }
    }
    long nodesStarting = System.nanoTime();
    fleet.startNodes();
    double bootstrap = fleet.awaitCaughtUp(nodesStarting, ChaosSettings.CATCH_UP_LIMIT);
    if (Double.isNaN(bootstrap)) {
      throw new IOException("the nodes did not bootstrap");
    }
    log("nodes up and caught up %.1f s after start", bootstrap);
    begin(STEADY); // before the first GET, which is counted in the row under way
    load = new ClientLoad(fleet, publisher, this::observe, settings.readsPerSecond());
    load.start(settings.readers(), 42);
    Thread publishing = new Thread(this::publishInBackground, "chaos-publisher");
    publishing.setDaemon(true);
    publishing.start();
    try {
      for (int round = 0; round < settings.rounds(); round++) {
        steady();
        killNode(round % fleet.size());
        killOrigin();
        hangOrigin();
        damageFiles(round % fleet.size(), round);
        publishBurst();
        readAfterPublish();
      }
    } finally {
      publishing.interrupt();
      load.close();
      publishing.join();
      fleet.close();
    }
    synchronized (findings) {
      return new ChaosReport(
          settings, List.copyOf(rows), List.copyOf(findings), findingCount.get());
    }
  }

  private void steady() throws IOException, InterruptedException {
    FaultTally row = begin(STEADY);
    Thread.sleep(settings.hold().toMillis());
    catchUp(row, System.nanoTime());
  }

  private void killNode(int node) throws IOException, InterruptedException {
    String name = ChaosFleet.name(node);
    outage(
        "node kill -9, restart",
        name,
        () -> fleet.killNode(node),
        () -> fleet.startNode(node),
        String.format(
            Locale.ROOT, "%s down %d s, answered after its restart", name, holdSeconds()));
  }

  private void killOrigin() throws IOException, InterruptedException {
    outage(
        "origin kill -9, restart",
        DeclaredWindows.ORIGIN,
        fleet::killOrigin,
        fleet::restartOrigin,
        "origin down " + holdSeconds() + " s, answered after its restart");
  }

  private void hangOrigin() throws IOException, InterruptedException {
    outage(
        "origin hang",
        DeclaredWindows.ORIGIN,
        fleet::hangOrigin,
        fleet::releaseOrigin,
        "proxies accepted and never answered for " + holdSeconds() + " s");
  }

  /** A step of a fault that talks to processes. */
  private interface Step {
    void run() throws IOException, InterruptedException;
  }

  /**
   * {@code part} declared down from before {@code inject} until {@code recover} has returned (the
   * part answers again), the fault held in between; the catch-up counts from the start of {@code
   * recover}. The note gets how long {@code recover} took.
   */
  private void outage(String fault, String part, Step inject, Step recover, String note)
      throws IOException, InterruptedException {
    FaultTally row = begin(fault);
    down.open(part, System.nanoTime());
    inject.run();
    Thread.sleep(settings.hold().toMillis());
    long recovering = System.nanoTime();
    recover.run();
    down.close(part, System.nanoTime());
    row.note(String.format(Locale.ROOT, "%s (recovery took %.1f s)", note, seconds(recovering)));
    catchUp(row, recovering);
  }

  private long holdSeconds() {
    return settings.hold().toSeconds();
  }

  /**
   * Overwrites two files of the node's store with other bytes (one of them through its gzip twin
   * too, with a valid gzip of other bytes), then reads them through that node directly and through
   * the load's focus; waits, up to the hold time, for the node to have repaired them on disk.
   */
  private void damageFiles(int node, int round) throws IOException, InterruptedException {
    FaultTally row = begin("disk damage");
    List<String> paths = new ArrayList<>();
    List<Sha256> expected = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      int file = 2 * round + k; // an initial file: every node has had it since its bootstrap
      String path = Publisher.path(file);
      Path stored = fleet.store(node).resolve(path);
      byte[] other =
          (new String(publisher.content(file), StandardCharsets.UTF_8) + " damaged")
              .getBytes(StandardCharsets.UTF_8);
      Files.write(stored, other);
      Path twin = stored.resolveSibling(stored.getFileName() + ".gz");
      if (k == 1 && Files.exists(twin)) {
        Files.write(twin, gzip(other));
      }
      paths.add(path);
      expected.add(Sha256.of(publisher.content(file)));
    }
    load.focus(new ClientLoad.Focus(node, paths));
    NodeClient client = new NodeClient();
    for (int i = 0; i < DAMAGE_PROBES; i++) {
      for (String path : paths) {
        String url = fleet.url(node);
        observe(client.get(ChaosFleet.name(node), url, path, i % 2 == 0));
      }
    }
    long damagedAt = System.nanoTime();
    long deadline = damagedAt + settings.hold().toNanos();
    boolean repaired = false;
    while (!repaired && System.nanoTime() < deadline) {
      Thread.sleep(50);
      repaired = true;
      for (int k = 0; k < paths.size(); k++) {
        Path stored = fleet.store(node).resolve(paths.get(k));
        repaired &= Sha256.of(Files.readAllBytes(stored)).equals(expected.get(k));
      }
    }
    Thread.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
    load.focus(null);
    row.note(
        String.format(
            Locale.ROOT,
            "2 files on %s (one with its twin): %s",
            ChaosFleet.name(node),
            repaired
                ? "repaired on disk within " + settings.hold().toSeconds() + " s"
                : "still damaged on disk after " + settings.hold().toSeconds() + " s"));
    catchUp(row, System.nanoTime());
  }

  private void publishBurst() throws IOException, InterruptedException {
    FaultTally row = begin("publish burst");
    long start = System.nanoTime();
    AtomicInteger acknowledged = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    int each = settings.burst() / settings.burstThreads();
    for (int t = 0; t < settings.burstThreads(); t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < each; i++) {
                    if (publisher.publishNew()) {
                      acknowledged.incrementAndGet();
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "chaos-burst-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long end = System.nanoTime();
    row.note(
        String.format(
            Locale.ROOT,
            "%d publishes (%d acknowledged) from %d threads in %.1f s",
            each * settings.burstThreads(),
            acknowledged.get(),
            settings.burstThreads(),
            (end - start) / 1e9));
    catchUp(row, end);
  }

  /** GET a missing path (404), publish it on the origin, GET it at once through the same node. */
  private void readAfterPublish() throws IOException, InterruptedException {
    FaultTally row = begin("read right after publish");
    NodeClient client = new NodeClient();
    int published = 0;
    for (int k = 0; k < settings.readAfterPublish(); k++) {
      int node = k % fleet.size();
      String name = ChaosFleet.name(node);
      int file = publisher.reserve();
      String path = Publisher.path(file);
      observe(client.get(name, fleet.url(node), path, false));
      if (publisher.publish(file)) {
        published++;
        observe(client.get(name, fleet.url(node), path, k % 2 == 1));
      }
    }
    row.note(settings.readAfterPublish() + " tries, " + published + " published");
    catchUp(row, System.nanoTime());
  }

  private void publishInBackground() {
    try {
      while (true) {
        publisher.publishNew();
        Thread.sleep(settings.publishEvery().toMillis());
      }
    } catch (InterruptedException e) {
      // the run is over
    }
  }

  /** Starts the row of {@code fault} (one row per fault however many rounds). */
  private FaultTally begin(String fault) {
    log("%s", fault);
    synchronized (rows) {
      FaultTally row = rows.stream().filter(r -> r.fault().equals(fault)).findFirst().orElse(null);
      if (row == null) {
        row = new FaultTally(fault);
        rows.add(row);
      }
      phases.add(new Phase(System.nanoTime(), row));
      return row;
    }
  }

  private void catchUp(FaultTally row, long since) throws IOException, InterruptedException {
    double seconds = fleet.awaitCaughtUp(since, ChaosSettings.CATCH_UP_LIMIT);
    row.catchUp(seconds);
    log("  caught up after %.2f s", seconds);
  }

  /** Judges a GET and counts it in the row of the fault under way when it was sent. */
  private void observe(Observation o) {
    FaultTally row = rowAt(o.start());
    Outcome outcome = judge.judge(o);
    row.add(outcome);
    if (outcome != Outcome.RIGHT
        && outcome != Outcome.ALLOWED_5XX
        && outcome != Outcome.NODE_DOWN) {
      finding(
          row,
          String.format(
              Locale.ROOT,
              "fault=\"%s\" outcome=%s node=%s path=%s gzip=%s status=%d source=%s at=+%.3fs"
                  + " took=%.0fms body=%s origin_versions=%s acknowledged_before=%s problem=%s",
              row.fault(),
              outcome,
              o.node(),
              o.path(),
              o.gzip(),
              o.status(),
              o.source(),
              (o.start() - startedAt) / 1e9,
              (o.end() - o.start()) / 1e6,
              o.body() == null ? null : o.body().hex(),
              timeline.shas(o.path()),
              timeline.acknowledgedBefore(o.path(), o.start()),
              o.failure()));
    }
  }

  /** Counts a publish that failed outside a declared origin outage, with a finding. */
  private void publishFailed(String path, long sent, long end, String problem) {
    if (judge.publishFailureExcused(sent, end)) {
      return;
    }
    FaultTally row = rowAt(sent);
    row.publishFailed();
    finding(
        row,
        String.format(
            Locale.ROOT,
            "fault=\"%s\" outcome=PUBLISH_FAILED path=%s at=+%.3fs took=%.0fms problem=%s",
            row.fault(),
            path,
            (sent - startedAt) / 1e9,
            (end - sent) / 1e6,
            problem));
  }

  private void finding(FaultTally row, String finding) {
    findingCount.incrementAndGet();
    if (row.finding(FINDINGS_SHOWN)) {
      System.err.println("[chaos] FINDING " + finding);
      synchronized (findings) {
        findings.add(finding);
      }
    }
  }

  private FaultTally rowAt(long start) {
    synchronized (rows) {
      for (int i = phases.size() - 1; i >= 0; i--) {
        if (phases.get(i).start() <= start) {
          return phases.get(i).row();
        }
      }
      return phases.get(0).row();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  private void log(String format, Object... args) {
    System.err.printf(
        Locale.ROOT,
        "[chaos] +%.1fs %s%n",
        (System.nanoTime() - startedAt) / 1e9,
        String.format(Locale.ROOT, format, args));
  }
}
