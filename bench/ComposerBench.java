// Composer benchmark client; run by bench/composer.sh with the metamirror jar on the class path.
//
//   java -cp cli/target/metamirror.jar bench/ComposerBench.java --origin URL --token-file FILE
//       --mirror URL --store DIR --work DIR [--packages N] [--versions N] [--big-versions N]
//       [--rounds N] [--ref-rounds N] [--seed N]
//
// Rows:
//   regenerate  N packages x V versions POSTed to an empty origin (/.metamirror/api/composer/packages,
//               the CLI's client: sorted by package, 5,000 documents a request), wall time until the
//               last answer, and until the mirror node has applied the last entry; reference: a copy
//               of the generated files (`rsync -a` from the mirror's store, without its .gz twins,
//               into an empty directory) + `sync`, the cost of merely writing those files.
//   one version a package with B versions gets one new version, POST -> the mirror node serves it
//               (HEAD on the mirror polled until Last-Modified changes), R rounds; reference: what a
//               cron setup does after regenerating one file, `rsync -a` of the whole generated tree
//               to a mirror copy (local, no daemon), R' rounds.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.cli.composer.ComposerApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

public class ComposerBench {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    URI origin = URI.create(opt.get("origin"));
    URI mirror = URI.create(opt.get("mirror"));
    Path store = Path.of(opt.get("store"));
    Path work = Path.of(opt.get("work"));
    String token = Files.readString(Path.of(opt.get("token-file"))).trim();
    int packages = Integer.parseInt(opt.getOrDefault("packages", "10000"));
    int versions = Integer.parseInt(opt.getOrDefault("versions", "10"));
    int bigVersions = Integer.parseInt(opt.getOrDefault("big-versions", "500"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "20"));
    int refRounds = Integer.parseInt(opt.getOrDefault("ref-rounds", "5"));
    Random random = new Random(Long.parseLong(opt.getOrDefault("seed", "42")));
    ComposerApiClient api = new ComposerApiClient(origin, token);
    String load0 = Files.readString(Path.of("/proc/loadavg")).trim();

    // --- regenerate from scratch ---------------------------------------------------------------
    List<ObjectNode> docs = new ArrayList<>(packages * versions);
    for (int p = 0; p < packages; p++) {
      for (int v = 0; v < versions; v++) {
        docs.add(document(p, versions(v), random, packages));
      }
    }
    System.err.printf("generated %,d version documents in memory%n", docs.size());
    long t0 = System.nanoTime();
    long head = api.publish(docs, line -> {}).head();
    long published = System.nanoTime();
    awaitMirror(mirror, head);
    long mirrored = System.nanoTime();
    double regenerate = (published - t0) / 1e9;
    double untilMirror = (mirrored - t0) / 1e9;

    Path copy = work.resolve("cp-copy");
    long c0 = System.nanoTime();
    // The generated files only: the store also holds a .gz twin of each, which metamirror adds.
    Files.createDirectories(copy);
    run("rsync", "-a", "--exclude=*.gz", store.resolve("p2") + "/", copy.resolve("p2") + "/");
    run("cp", store.resolve("packages.json").toString(), copy.resolve("packages.json").toString());
    run("sync", "-f", copy.toString());
    double cpSeconds = (System.nanoTime() - c0) / 1e9;
    long files;
    try (var s = Files.walk(copy)) {
      files = s.filter(Files::isRegularFile).count();
    }

    // --- one new version of a big package --------------------------------------------------------
    String big = "bigvendor/big";
    List<ObjectNode> bigDocs = new ArrayList<>();
    for (int v = 0; v < bigVersions; v++) {
      bigDocs.add(bigDocument(big, v / 100 + 1, v % 100, random));
    }
    awaitMirror(mirror, api.publish(bigDocs, line -> {}).head());
    URI bigUrl = mirror.resolve("p2/" + big + ".json");
    long[] visible = new long[rounds];
    long[] answered = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      String before = lastModified(bigUrl);
      // Last-Modified has whole seconds and the origin moves a new version to the next second:
      // waiting for the change is exact.
      ObjectNode doc = bigDocument(big, 100, r, random);
      long s0 = System.nanoTime();
      api.publish(List.of(doc), line -> {});
      answered[r] = System.nanoTime() - s0;
      while (before.equals(lastModified(bigUrl))) {
        Thread.onSpinWait();
      }
      visible[r] = System.nanoTime() - s0;
    }
    JsonNode served = JSON.readTree(get(bigUrl));
    int servedVersions = served.get("packages").get(big).size();
    if (servedVersions != bigVersions + rounds) {
      throw new IllegalStateException(
          "the mirror serves " + servedVersions + " versions, expected " + (bigVersions + rounds));
    }

    Path rsyncCopy = work.resolve("rsync-copy");
    run("rsync", "-a", store.resolve("p2") + "/", rsyncCopy + "/");
    long[] rsync = new long[refRounds];
    for (int r = 0; r < refRounds; r++) {
      Path changed = store.resolve("p2/" + big + ".json");
      long r0 = System.nanoTime();
      run("rsync", "-a", store.resolve("p2") + "/", rsyncCopy + "/");
      rsync[r] = System.nanoTime() - r0;
      if (!Files.exists(changed)) {
        throw new IllegalStateException("missing " + changed);
      }
    }
    String load1 = Files.readString(Path.of("/proc/loadavg")).trim();

    System.out.printf(
        "%n== composer: %,d packages x %d versions, one package of %d versions, %d CPUs ==%n",
        packages, versions, bigVersions, Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "regenerate   metamirror POST /api/composer/packages  %,9d versions %8.1f s  %,8.0f versions/s  %,6.0f packages/s%n",
        docs.size(), regenerate, docs.size() / regenerate, packages / regenerate);
    System.out.printf(
        "             ... until the mirror node has it all      %,9d files    %8.1f s%n",
        files, untilMirror);
    System.out.printf(
        "             reference: copy of the generated files + sync %,6d files  %8.1f s  metamirror = %.1f x reference's time%n",
        files, cpSeconds, regenerate / cpSeconds);
    System.out.printf(
        "one version  metamirror POST -> served by the mirror   %5d rounds  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
        rounds, pct(visible, 50), pct(visible, 99), pct(visible, 100));
    System.out.printf(
        "             (the POST alone)                          %5d rounds  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
        rounds, pct(answered, 50), pct(answered, 99), pct(answered, 100));
    System.out.printf(
        "             reference: rsync -a of the tree (local)   %5d runs    p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  metamirror is %.1f x faster (p50)%n",
        refRounds, pct(rsync, 50), pct(rsync, 99), pct(rsync, 100), pct(rsync, 50) / pct(visible, 50));
    System.out.printf("load average: start %s, end %s%n", load0, load1);
  }

  static String versions(int v) {
    return v == 9 ? "dev-main" : (v / 5 + 1) + "." + (v % 5) + ".0";
  }

  static ObjectNode document(int p, String version, Random random, int packages) {
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
    require.put(String.format("vendor%03d/pkg%05d", (p + 1) % 1000, (p + 1) % packages), "^1.0");
    doc.putObject("autoload")
        .putObject("psr-4")
        .put("Vendor" + (p % 1000) + "\\Pkg" + p + "\\", "src/");
    String ref = hex(random);
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

  static ObjectNode bigDocument(String name, int major, int minor, Random random) {
    ObjectNode doc = document(0, major + "." + minor + ".0", random, 1);
    doc.put("name", name);
    return doc;
  }

  static String hex(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      s.append(Character.forDigit(random.nextInt(16), 16));
    }
    return s.toString();
  }

  static void awaitMirror(URI mirror, long head) throws Exception {
    for (int i = 0; i < 60_000; i++) {
      JsonNode health = JSON.readTree(get(mirror.resolve(".metamirror/health")));
      if (health.path("appliedSeq").asLong() >= head) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the mirror did not reach seq " + head + " within 10 minutes");
  }

  static byte[] get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  static String lastModified(URI uri) throws Exception {
    HttpResponse<Void> r =
        HTTP.send(
            HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode() + " " + r.headers().firstValue("Last-Modified").orElse("");
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  static double pct(long[] nanos, double pct) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(pct / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
