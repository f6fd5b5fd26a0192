package io.metamirror.bench.composer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.cli.composer.ComposerApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Composer: a repository regenerated from scratch through the publishing API, and one new version
 * of a large package until a mirror node serves it, through the CLI's client ({@link
 * ComposerApiClient}: sorted by package, 5,000 documents a request).
 *
 * <ul>
 *   <li>regenerate: N packages x V versions POSTed to an empty origin, wall time until the last
 *       answer and until the node has applied the head; reference: copying just the generated files
 *       ({@code packages.json} + {@code p2/}, without the node's .gz twins) into an empty directory
 *       and {@code sync}, the cost of merely writing them.
 *   <li>one version: a package of B versions gets one more, timed from the POST until a HEAD on the
 *       node shows the new {@code Last-Modified}; reference: what a cron setup does after
 *       regenerating one file, {@code rsync -a} of the whole generated tree to a mirror copy.
 * </ul>
 */
public final class ComposerBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--packages 10000] [--versions 10] [--big-versions 500] [--rounds 20] [--ref-rounds 5]"
          + " [--seed 42]";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BIG = "bigvendor/big";

  private final int packages;
  private final int versions;
  private final int bigVersions;
  private final int rounds;
  private final int refRounds;
  private final Random random;
  private final HttpClient http = HttpClients.http11();

  public ComposerBenchmark(Options options) {
    packages = options.positive("packages", 10_000);
    versions = options.positive("versions", 10);
    bigVersions = options.positive("big-versions", 500);
    rounds = options.positive("rounds", 20);
    refRounds = options.positive("ref-rounds", 5);
    random = new Random(options.longValue("seed", 42));
  }

  @Override
  public void run(Harness harness) throws Exception {
    OriginServer origin = OriginServer.start(harness, "origin");
    Path store = harness.workspace().directory("store");
    Path work = harness.workspace().directory("work");
    MirrorNode node = MirrorNode.start(harness, "mirror", origin.url() + "/", store, null, http);
    URI mirror = URI.create(node.url() + "/");
    ComposerApiClient api = new ComposerApiClient(URI.create(origin.url() + "/"), origin.token());

    // ---- regenerate from scratch ----
    List<ObjectNode> docs = new ArrayList<>(packages * versions);
    for (int p = 0; p < packages; p++) {
      for (int v = 0; v < versions; v++) {
        docs.add(document(p, version(v), packages));
      }
    }
    System.out.printf(Locale.ROOT, "generated %,d version documents in memory%n", docs.size());
    Stopwatch clock = Stopwatch.start();
    long head = api.publish(docs, line -> {}).head();
    double regenerate = clock.seconds();
    awaitMirror(mirror, head);
    double untilMirror = clock.seconds();

    Path copy = Files.createDirectories(work.resolve("cp-copy"));
    Stopwatch copying = Stopwatch.start();
    // The generated files only: the store also holds a .gz twin of each, which metamirror adds.
    harness
        .processes()
        .run("rsync", "-a", "--exclude=*.gz", store.resolve("p2") + "/", copy.resolve("p2") + "/");
    harness
        .processes()
        .run(
            "cp",
            store.resolve("packages.json").toString(),
            copy.resolve("packages.json").toString());
    harness.processes().run("sync", "-f", copy.toString());
    double copySeconds = copying.seconds();
    long files;
    try (Stream<Path> s = Files.walk(copy)) {
      files = s.filter(Files::isRegularFile).count();
    }

    // ---- one new version of a big package ----
    List<ObjectNode> bigDocs = new ArrayList<>();
    for (int v = 0; v < bigVersions; v++) {
      bigDocs.add(bigDocument(v / 100 + 1, v % 100));
    }
    awaitMirror(mirror, api.publish(bigDocs, line -> {}).head());
    URI bigUrl = mirror.resolve("p2/" + BIG + ".json");
    Samples visible = new Samples();
    Samples answered = new Samples();
    for (int r = 0; r < rounds; r++) {
      String before = lastModified(bigUrl);
      // Last-Modified has whole seconds and the origin moves a new version to the next second:
      // waiting for the change is exact.
      ObjectNode doc = bigDocument(100, r);
      Stopwatch one = Stopwatch.start();
      api.publish(List.of(doc), line -> {});
      answered.add(one.millis());
      while (before.equals(lastModified(bigUrl))) {
        Thread.onSpinWait();
      }
      visible.add(one.millis());
    }
    JsonNode served = JSON.readTree(get(bigUrl));
    int servedVersions = served.get("packages").get(BIG).size();
    if (servedVersions != bigVersions + rounds) {
      throw new BenchFailure(
          "the mirror serves " + servedVersions + " versions, expected " + (bigVersions + rounds));
    }

    Path rsyncCopy = work.resolve("rsync-copy");
    harness.processes().run("rsync", "-a", store.resolve("p2") + "/", rsyncCopy + "/");
    if (!Files.exists(store.resolve("p2/" + BIG + ".json"))) {
      throw new BenchFailure("the store has no p2/" + BIG + ".json");
    }
    Samples rsync = new Samples();
    for (int r = 0; r < refRounds; r++) {
      Stopwatch one = Stopwatch.start();
      harness.processes().run("rsync", "-a", store.resolve("p2") + "/", rsyncCopy + "/");
      rsync.add(one.millis());
    }

    System.out.printf(
        Locale.ROOT,
        "regenerate: %,d versions in %.1f s = %,.0f versions/s, %,.0f packages/s; the mirror"
            + " node had all %,d files after %.1f s%n",
        docs.size(),
        regenerate,
        docs.size() / regenerate,
        packages / regenerate,
        files,
        untilMirror);
    System.out.println(
        "one version: the POST alone "
            + answered.summary(1, "ms", 50, 99, 100)
            + " ("
            + rounds
            + " rounds)");
    report(harness, docs.size(), regenerate, untilMirror, copySeconds, files, visible, rsync);
  }

  private void report(
      Harness harness,
      int documents,
      double regenerate,
      double untilMirror,
      double copySeconds,
      long files,
      Samples visible,
      Samples rsync) {
    ResultTable results = harness.results();
    String copy = "copy of the generated files + sync";
    results
        .add("regenerate, POST /api/composer/packages", "s", regenerate, copy, copySeconds)
        .note(
            String.format(
                Locale.ROOT, "%,d versions, %,.0f versions/s", documents, documents / regenerate));
    results
        .add("regenerate, until the mirror node has it all", "s", untilMirror, copy, copySeconds)
        .note(String.format(Locale.ROOT, "%,d files", files));
    List<Row> rows =
        results.addPercentiles(
            "one version", "ms", 1, visible, "rsync -a of the tree (local)", rsync, 50, 99, 100);
    rows.get(0)
        .note(
            String.format(
                Locale.ROOT,
                "POST -> served by the mirror; %.1f x faster",
                rsync.percentile(50) / visible.percentile(50)));
    rows.get(1).note(visible.size() + " rounds, " + rsync.size() + " rsync runs");
    harness.finish(
        String.format(
            Locale.ROOT,
            "composer: %,d packages x %d versions, one package of %d versions, %d CPUs",
            packages,
            versions,
            bigVersions,
            Runtime.getRuntime().availableProcessors()));
  }

  private static String version(int v) {
    return v == 9 ? "dev-main" : (v / 5 + 1) + "." + (v % 5) + ".0";
  }

  /** A version document as a Composer repository's generator would send it (~700 B). */
  private ObjectNode document(int p, String version, int packageCount) {
    String name = String.format("vendor%03d/pkg%05d", p % 1000, p);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", name);
    doc.put("description", "Package number " + p + " of the composer benchmark");
    doc.put("version", version);
    doc.put("type", "library");
    doc.putArray("license").add("MIT");
    doc.putArray("authors").addObject().put("name", "Bench Author").put("email", "a@example.test");
    ObjectNode require = doc.putObject("require");
    require.put("php", ">=8.1");
    require.put(
        String.format("vendor%03d/pkg%05d", (p + 1) % 1000, (p + 1) % packageCount), "^1.0");
    doc.putObject("autoload")
        .putObject("psr-4")
        .put("Vendor" + (p % 1000) + "\\Pkg" + p + "\\", "src/");
    String ref = hex();
    doc.putObject("dist")
        .put("type", "zip")
        .put("url", "https://dist.example/" + name + "/" + ref + ".zip")
        .put("reference", ref)
        .put("shasum", "");
    doc.putObject("source")
        .put("type", "git")
        .put("url", "https://git.example/" + name + ".git")
        .put("reference", ref);
    doc.put("time", "2026-11-0" + (1 + random.nextInt(9)) + "T10:00:00+00:00");
    return doc;
  }

  private ObjectNode bigDocument(int major, int minor) {
    ObjectNode doc = document(0, major + "." + minor + ".0", 1);
    doc.put("name", BIG);
    return doc;
  }

  private String hex() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      s.append(Character.forDigit(random.nextInt(16), 16));
    }
    return s.toString();
  }

  /** Waits until the node's health says it has applied {@code head} (10 minutes at most). */
  private void awaitMirror(URI mirror, long head) throws IOException, InterruptedException {
    for (int i = 0; i < 60_000; i++) {
      JsonNode health = JSON.readTree(get(mirror.resolve(".metamirror/health")));
      if (health.path("appliedSeq").asLong() >= head) {
        return;
      }
      Thread.sleep(10);
    }
    throw new BenchFailure("the mirror did not reach seq " + head + " within 10 minutes");
  }

  private byte[] get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  private String lastModified(URI uri) throws IOException, InterruptedException {
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode() + " " + r.headers().firstValue("Last-Modified").orElse("");
  }
}
