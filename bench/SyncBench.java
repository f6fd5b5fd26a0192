import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Sync benchmark (see bench/README.md; run through bench/sync.sh).
 *
 * <p>Against a fresh, already running origin it measures, each beside a reference run in the same
 * process on the same machine:
 *
 * <ol>
 *   <li><b>bootstrap</b>: N generated files are published (batch API) and written to a plain
 *       directory that an rsync daemon serves; then {@code metamirror sync --once} into an empty
 *       store and {@code rsync -a rsync://…/mod/ dst/} into an empty directory are timed, each
 *       followed by a flush ({@code sync --once} flushes by itself; rsync gets {@code sync
 *       --file-system}).
 *   <li><b>incremental</b>: with {@code metamirror sync} following that store, one existing file is
 *       changed (PUT) and the time until it has its new size in the store is taken; the reference
 *       writes the same change into the daemon's directory and re-syncs the whole tree with {@code
 *       rsync -a} until the destination has it.
 *   <li><b>freshness</b>: F new files published one at a time (PUT), each timed from sending the
 *       PUT until the file has its size at its path in the store (polled every {@code --poll-us});
 *       the reference writes each file into a source directory and runs {@code rsync -a src/ dst/}
 *       once, until the file is in dst: what an inotify + rsync setup costs per change.
 * </ol>
 *
 * <p>Run: {@code java -cp cli/target/metamirror.jar bench/SyncBench.java --url
 * http://127.0.0.1:PORT --token-file FILE --jar cli/target/metamirror.jar --work DIR --rsync-src
 * DIR --rsync-url rsync://127.0.0.1:PORT/mod [--files 100000] ...}
 */
public class SyncBench {
  static final double FRESHNESS_P99_TARGET_MS = 100;
  static final double INCREMENTAL_SPEEDUP_TARGET = 10;
  static final JsonFactory JSON = new JsonFactory();

  // ---- options ----
  String url;
  String token;
  Path jar;
  Path launcher; // optional: the `metamirror` script, run as a user would, with its JVM defaults
  Path work;
  Path rsyncSrc;
  Path originData; // optional: read before each bootstrap, as rsync's source is
  String rsyncUrl;
  int files = 100_000;
  int size = 2_048;
  int batch = 1_000;
  int fresh = 1_000;
  int incremental = 20;
  int incrementalRef = 5;
  int bootstrapRounds = 1;
  int pollMicros = 200;
  long seed = 42;
  List<String> syncJavaOpts = List.of();

  HttpClient http;
  String loadAtStart;
  final List<Process> children = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    SyncBench bench = new SyncBench();
    try {
      bench.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopChildren));
    try {
      bench.run();
    } catch (BenchFailure e) {
      System.err.println("FAILED: " + e.getMessage());
      System.exit(1);
    } finally {
      bench.stopChildren();
    }
  }

  static final String USAGE =
      "usage: java -cp cli/target/metamirror.jar bench/SyncBench.java\n"
          + "         --url URL (--token-file FILE | --token TOKEN) --jar METAMIRROR_JAR\n"
          + "         --work DIR --rsync-src DIR --rsync-url rsync://HOST:PORT/MODULE\n"
          + "         [--origin-data DIR] [--launcher ./metamirror]\n"
          + "         [--files 100000] [--size 2048] [--batch 1000] [--fresh 1000]\n"
          + "         [--incremental 20] [--incremental-ref 5] [--bootstrap-rounds 1]\n"
          + "         [--poll-us 200] [--seed 42] [--sync-java-opts '...']";

  void parse(String[] args) throws IOException {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--url" -> url = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        case "--token" -> token = v;
        case "--token-file" -> token = Files.readString(Path.of(v)).trim();
        case "--jar" -> jar = Path.of(v).toAbsolutePath();
        case "--launcher" -> launcher = Path.of(v).toAbsolutePath();
        case "--work" -> work = Path.of(v).toAbsolutePath();
        case "--rsync-src" -> rsyncSrc = Path.of(v).toAbsolutePath();
        case "--origin-data" -> originData = Path.of(v).toAbsolutePath();
        case "--rsync-url" -> rsyncUrl = v.endsWith("/") ? v : v + "/";
        case "--files" -> files = positive(a, v);
        case "--size" -> size = positive(a, v);
        case "--batch" -> batch = positive(a, v);
        case "--fresh" -> fresh = positive(a, v);
        case "--incremental" -> incremental = positive(a, v);
        case "--incremental-ref" -> incrementalRef = positive(a, v);
        case "--bootstrap-rounds" -> bootstrapRounds = positive(a, v);
        case "--poll-us" -> pollMicros = positive(a, v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--sync-java-opts" -> syncJavaOpts =
            v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (url == null || token == null || token.isEmpty() || jar == null || work == null) {
      throw new IllegalArgumentException("--url, --token-file, --jar and --work are required");
    }
    if (rsyncSrc == null || rsyncUrl == null) {
      throw new IllegalArgumentException("--rsync-src and --rsync-url are required");
    }
  }

  static int positive(String name, String v) {
    int n;
    try {
      n = Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + v);
    }
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be >= 1: " + v);
    }
    return n;
  }

  // ---- the run ----

  void run() throws Exception {
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    loadAtStart = loadAverage();
    long head = health();
    if (head != 0) {
      throw new BenchFailure("the origin must be empty (head 0), it has head " + head);
    }
    System.out.printf(
        Locale.ROOT,
        "origin %s; machine: %d CPUs, Java %s; %d files of ~%d B; work dir %s%n",
        url,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        files,
        size,
        work);
    Files.createDirectories(work);

    // 0. The tree: published to the origin, and the same bytes written where rsyncd serves them.
    int[] sizes = new int[files];
    publishTree(sizes);
    writeTree(sizes);
    double jvmStart = jvmStartSeconds();

    // 1. Bootstrap.
    List<Double> mmBoot = new ArrayList<>();
    List<double[]> rsBoot = new ArrayList<>(); // {rsync, rsync + flush, rsync + twins + flush}
    Path store = null;
    Path rsyncDst = null;
    for (int r = 1; r <= bootstrapRounds; r++) {
      if (store != null) {
        deleteTree(store);
        deleteTree(rsyncDst);
      }
      store = work.resolve("store-" + r);
      rsyncDst = work.resolve("rsync-dst-" + r);
      mmBoot.add(bootstrapMetamirror(store, sizes));
      rsBoot.add(bootstrapRsync(rsyncDst, sizes));
    }

    // 2. Incremental and 3. freshness, with an agent following the bootstrapped store.
    Process agent = startAgent(store);
    Incremental inc = incremental(store, rsyncDst, sizes);
    Latencies[] fr = freshness(store);
    stopAgent(agent);

    report(jvmStart, mmBoot, rsBoot, inc, fr[0], fr[1], fr[2]);
  }

  // ---- content (same generator as OriginPublishFeedBench) ----

  static String path(int i) {
    return "p2/" + packageName(i) + ".json";
  }

  static String packageName(int i) {
    return "vendor" + zeroPad(i % 1000, 3) + "/pkg" + zeroPad(i, 5);
  }

  static String zeroPad(int n, int width) {
    String digits = Integer.toString(n);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** Deterministic Composer-like JSON, unique per (file, version), ~size bytes ±25%. */
  byte[] content(int i, int version) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i + 7_919L * version);
    int target = Math.max(64, size * 3 / 4 + random.nextInt(size / 2 + 1));
    String name = packageName(i);
    StringBuilder sb = new StringBuilder(target + 64);
    sb.append("{\"packages\":{\"").append(name).append("\":[");
    String closing = "]},\"pad\":\"\"}";
    int major = random.nextInt(10);
    for (int v = 0; ; v++) {
      StringBuilder ver = new StringBuilder(360);
      if (v > 0) {
        ver.append(',');
      }
      String number = major + "." + v + "." + random.nextInt(20);
      ver.append("{\"name\":\"")
          .append(name)
          .append("\",\"version\":\"")
          .append(number)
          .append("\",\"version_normalized\":\"")
          .append(number)
          .append(".0\",\"dist\":{\"type\":\"zip\",\"url\":\"https://example.invalid/dist/")
          .append(hex(random, 40))
          .append(".zip\",\"shasum\":\"")
          .append(hex(random, 40))
          .append("\"},\"require\":{\"php\":\">=8.")
          .append(random.nextInt(4))
          .append("\",\"")
          .append(packageName(random.nextInt(100_000)))
          .append("\":\"^")
          .append(random.nextInt(5))
          .append('.')
          .append(random.nextInt(10))
          .append("\"},\"time\":\"2025-")
          .append(zeroPad(1 + random.nextInt(12), 2))
          .append('-')
          .append(zeroPad(1 + random.nextInt(28), 2))
          .append("T00:00:00+00:00\"}");
      if (v > 0 && sb.length() + ver.length() + closing.length() > target) {
        break;
      }
      sb.append(ver);
    }
    sb.append("]},\"pad\":\"");
    int pad = target - sb.length() - 2;
    for (int k = 0; k < pad; k++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    sb.append("\"}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String hex(SplittableRandom random, int n) {
    char[] c = new char[n];
    for (int k = 0; k < n; k++) {
      c[k] = "0123456789abcdef".charAt(random.nextInt(16));
    }
    return new String(c);
  }

  /** A new version of file i whose size differs from {@code oldSize} (so a size check sees it). */
  byte[] changed(int i, int version, int oldSize) {
    byte[] c = content(i, version);
    if (c.length == oldSize) {
      c = Arrays.copyOf(c, c.length + 1);
      c[c.length - 1] = '\n';
    }
    return c;
  }

  // ---- setup: publish the tree, write the rsync copy ----

  void publishTree(int[] sizes) throws Exception {
    long start = System.nanoTime();
    URI uri = URI.create(url + "/.metamirror/api/batch");
    long expectedHead = 0;
    for (int from = 0; from < files; from += batch) {
      int to = Math.min(files, from + batch);
      ByteArrayOutputStream out = new ByteArrayOutputStream((to - from) * (size * 4 / 3 + 80));
      Base64.Encoder base64 = Base64.getEncoder();
      out.write("{\"changes\":[".getBytes(StandardCharsets.US_ASCII));
      for (int i = from; i < to; i++) {
        byte[] content = content(i, 0);
        sizes[i] = content.length;
        out.write(
            ((i > from ? "," : "") + "{\"op\":\"put\",\"path\":\"" + path(i) + "\",\"content\":\"")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(base64.encode(content));
        out.write("\"}".getBytes(StandardCharsets.US_ASCII));
      }
      out.write("]}".getBytes(StandardCharsets.US_ASCII));
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(300))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new BenchFailure(
            "batch publish of files "
                + from
                + ".."
                + (to - 1)
                + ": HTTP "
                + response.statusCode()
                + ": "
                + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
      }
      expectedHead += to - from;
      long h = headOf(response.body());
      if (h != expectedHead) {
        throw new BenchFailure("after batch " + from + ": head " + h + ", expected " + expectedHead);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "setup: published %d files to the origin in %.1f s (batch API, %d per batch)%n",
        files,
        secondsSince(start),
        batch);
  }

  void writeTree(int[] sizes) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < files; i++) {
      Path file = rsyncSrc.resolve(path(i));
      if (i < 1000) {
        Files.createDirectories(file.getParent());
      }
      byte[] content = content(i, 0);
      if (content.length != sizes[i]) {
        throw new BenchFailure("content generator is not deterministic");
      }
      Files.write(file, content);
    }
    exec("sync");
    System.out.printf(
        Locale.ROOT,
        "setup: wrote the same %d files to %s (served by rsyncd at %s) + sync in %.1f s%n",
        files,
        rsyncSrc,
        rsyncUrl,
        secondsSince(start));
  }

  /** How long the CLI's JVM takes to start and exit: part of every {@code sync --once}. */
  double jvmStartSeconds() throws Exception {
    double best = Double.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      long t = System.nanoTime();
      exec(javaCommand("--version"), null);
      best = Math.min(best, secondsSince(t));
    }
    return best;
  }

  // ---- 1. bootstrap ----

  // Machine-wide busy CPU seconds of each bootstrap round: agent + origin; rsync + flush; the
  // same + gzip twins.
  final List<Double> mmBootCpu = new ArrayList<>();
  final List<Double> rsFlushedCpu = new ArrayList<>();
  final List<Double> rsTwinsCpu = new ArrayList<>();

  double bootstrapMetamirror(Path store, int[] sizes) throws Exception {
    if (originData != null) {
      warm(originData);
    }
    exec("sync"); // nothing of the setup left to flush on the clock
    Path log = work.resolve(store.getFileName() + ".log");
    double cpuStart = machineBusySeconds();
    long start = System.nanoTime();
    exec(
        javaCommand("sync", "--origin", url, "--store", store.toString(), "--once"),
        log.toFile());
    double seconds = secondsSince(start);
    double cpu = machineBusySeconds() - cpuStart;
    mmBootCpu.add(cpu);
    long seq = cursorSeq(store);
    long count = countFiles(store, sizes);
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
    return seconds;
  }

  double[] bootstrapRsync(Path dst, int[] sizes) throws Exception {
    warm(rsyncSrc);
    exec("sync");
    Files.createDirectories(dst);
    double cpuStart = machineBusySeconds();
    long start = System.nanoTime();
    exec("rsync", "-a", rsyncUrl, dst + "/");
    double rsync = secondsSince(start);
    exec("sync", "--file-system", dst.toString());
    double flushed = secondsSince(start);
    double cpu = machineBusySeconds() - cpuStart;
    long count = countFiles(dst, sizes);
    if (count != files) {
      throw new BenchFailure("rsync left " + count + " files, expected " + files);
    }
    // What rsync + nginx gzip_static needs on top: the .gz beside every file (gzip keeps the
    // file's mtime on it), made on both cores, then flushed: the layout the agent writes.
    double twinsCpuStart = machineBusySeconds();
    long twinsStart = System.nanoTime();
    exec(
        "sh",
        "-c",
        "find \"$1\" -type f ! -name '*.gz' -print0 | xargs -0 -n 500 -P 2 gzip -1 -k",
        "sh",
        dst.toString());
    exec("sync", "--file-system", dst.toString());
    double withTwins = flushed + secondsSince(twinsStart);
    double twinsCpu = cpu + machineBusySeconds() - twinsCpuStart;
    rsFlushedCpu.add(cpu);
    rsTwinsCpu.add(twinsCpu);
    // Off the clock: the incremental reference later rsyncs into dst, and is to see rsync's tree.
    exec("find", dst.toString(), "-type", "f", "-name", "*.gz", "-delete");
    System.out.printf(
        Locale.ROOT,
        "bootstrap  reference rsync -a (daemon): %d files in %.3f s = %,.0f files/s;"
            + " + sync --file-system: %.3f s = %,.0f files/s, machine CPU %.1f s (client + daemon);"
            + " + gzip -1 -k twins + sync: %.3f s = %,.0f files/s, machine CPU %.1f s%n",
        files,
        rsync,
        files / rsync,
        flushed,
        files / flushed,
        cpu,
        withTwins,
        files / withTwins,
        twinsCpu);
    return new double[] {rsync, flushed, withTwins};
  }

  /**
   * Reads every file under {@code dir}, off the clock, so that the source of the bootstrap that
   * follows is in the page cache. Both sources get this: the VMs this was written on page out
   * page cache left untouched for ~30 s (DAMON reclaim), and a bootstrap from a source written a
   * minute before then measured the disk more than the program (a snapshot of 100,000 files took
   * the origin 15 s cold, 3.8 s warm; reading rsync's copy 10.5 s cold, 2.3 s warm).
   */
  void warm(Path dir) throws Exception {
    exec(
        "sh",
        "-c",
        "find \"$1\" -type f -print0 | xargs -0 cat > /dev/null",
        "sh",
        dir.toString());
  }

  /** Content files (not .gz twins, not state) under root, each checked for its size. */
  long countFiles(Path root, int[] sizes) throws Exception {
    long n = 0;
    for (int i = 0; i < files; i++) {
      if (new File(root.toFile(), path(i)).length() != sizes[i]) {
        throw new BenchFailure(root + ": " + path(i) + " is missing or has the wrong size");
      }
    }
    try (Stream<Path> all = Files.walk(root)) {
      n =
          all.filter(
                  p ->
                      !root.relativize(p).toString().startsWith(".metamirror")
                          && !p.getFileName().toString().endsWith(".gz")
                          && Files.isRegularFile(p))
              .count();
    }
    return n;
  }

  // ---- the following agent ----

  Process startAgent(Path store) throws Exception {
    Path log = work.resolve("agent.log");
    Process p =
        start(javaCommand("sync", "--origin", url, "--store", store.toString()), log.toFile());
    // Following once status.json says so; then give the first long-poll a moment to be waiting.
    Path status = store.resolve(".metamirror/status.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!p.isAlive()) {
        throw new BenchFailure("the sync agent exited: " + tail(log));
      }
      String s = Files.exists(status) ? Files.readString(status) : "";
      if (s.contains("\"state\":\"following\"") && s.contains("\"pid\":" + p.pid())) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure("the sync agent is not following after 60 s: " + tail(log));
      }
      Thread.sleep(50);
    }
    Thread.sleep(500);
    System.out.printf(Locale.ROOT, "agent: metamirror sync (following), pid %d%n", p.pid());
    return p;
  }

  void stopAgent(Process p) throws Exception {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  // ---- 2. incremental ----

  record Incremental(Latencies metamirror, Latencies rsync) {}

  Incremental incremental(Path store, Path rsyncDst, int[] sizes) throws Exception {
    SplittableRandom pick = new SplittableRandom(seed);
    int[] version = new int[files];
    // Warm the agent (a long-running agent is warm): untimed changes, same as the timed ones.
    for (int k = 0; k < 20; k++) {
      int i = pick.nextInt(files);
      byte[] c = changed(i, ++version[i], sizes[i]);
      putAndAwait(path(i), c, store);
      Files.write(rsyncSrc.resolve(path(i)), c);
      sizes[i] = c.length;
    }
    exec("rsync", "-a", rsyncUrl, rsyncDst + "/"); // destination equal to the source again
    exec("sync");
    Latencies mm = new Latencies();
    Latencies rs = new Latencies();
    int perRef = Math.max(1, incremental / incrementalRef);
    int done = 0;
    while (done < incremental || rs.size() < incrementalRef) {
      for (int k = 0; k < perRef && done < incremental; k++, done++) {
        int i = pick.nextInt(files);
        byte[] c = changed(i, ++version[i], sizes[i]);
        mm.add(putAndAwait(path(i), c, store)[1]);
        Files.write(rsyncSrc.resolve(path(i)), c); // keep the trees equal
        sizes[i] = c.length;
      }
      if (rs.size() < incrementalRef) {
        int i = pick.nextInt(files);
        byte[] c = changed(i, ++version[i], sizes[i]);
        // the same change for both: metamirror first (untimed), then the timed rsync of a
        // destination that was equal to the source before this one change
        putAndAwait(path(i), c, store);
        exec("rsync", "-a", rsyncUrl, rsyncDst + "/");
        long t = System.nanoTime();
        Files.write(rsyncSrc.resolve(path(i)), c);
        exec("rsync", "-a", rsyncUrl, rsyncDst + "/");
        awaitSize(rsyncDst.resolve(path(i)), c.length, t);
        rs.add(secondsSince(t));
        sizes[i] = c.length;
      }
    }
    System.out.println("incremental metamirror PUT -> in store (ms): " + mm.all());
    System.out.println("incremental reference rsync -a daemon, whole tree (ms): " + rs.all());
    return new Incremental(mm, rs);
  }

  /**
   * PUTs content at path and polls the store until the file has its size. Returns {seconds until
   * the PUT was answered, seconds until the file was in the store}, both from sending the PUT.
   */
  double[] putAndAwait(String path, byte[] content, Path store) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/.metamirror/api/files/" + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
            .build();
    File target = store.resolve(path).toFile();
    long t = System.nanoTime();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    double ack = secondsSince(t);
    if (response.statusCode() != 200) {
      throw new BenchFailure(
          "PUT "
              + path
              + ": HTTP "
              + response.statusCode()
              + ": "
              + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
    }
    awaitSize(target.toPath(), content.length, t);
    return new double[] {ack, secondsSince(t)};
  }

  /** Polls until file has the size; fails after 60 s counted from {@code since}. */
  void awaitSize(Path file, long size, long since) throws BenchFailure {
    File f = file.toFile();
    long pollNanos = pollMicros * 1000L;
    long deadline = since + TimeUnit.SECONDS.toNanos(60);
    while (f.length() != size) {
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(file + " did not get size " + size + " within 60 s");
      }
      LockSupport.parkNanos(pollNanos);
    }
  }

  // ---- 3. freshness ----

  /** Returns {metamirror visible, metamirror PUT answered, reference}. */
  Latencies[] freshness(Path store) throws Exception {
    Latencies visible = new Latencies();
    Latencies acked = new Latencies();
    for (int j = 0; j < fresh; j++) {
      int i = files + j;
      byte[] c = content(i, 0);
      double[] r = putAndAwait(path(i), c, store);
      acked.add(r[0]);
      visible.add(r[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "freshness  metamirror PUT -> in store: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms;"
            + " PUT answered: p50 %.1f ms, p99 %.1f ms%n",
        visible.ms(50),
        visible.ms(90),
        visible.ms(99),
        visible.maxMs(),
        acked.ms(50),
        acked.ms(99));
    // Reference: write into src, run rsync -a src/ dst/ once, until the file is in dst.
    Path src = work.resolve("fresh-src");
    Path dst = work.resolve("fresh-dst");
    Files.createDirectories(src);
    Files.createDirectories(dst);
    exec("rsync", "-a", src + "/", dst + "/"); // page in rsync itself
    Latencies ref = new Latencies();
    for (int j = 0; j < fresh; j++) {
      int i = files + j;
      byte[] c = content(i, 0);
      Path file = src.resolve(path(i));
      Files.createDirectories(file.getParent());
      long t = System.nanoTime();
      Files.write(file, c, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
      exec("rsync", "-a", src + "/", dst + "/");
      awaitSize(dst.resolve(path(i)), c.length, t);
      ref.add(secondsSince(t));
    }
    System.out.printf(
        Locale.ROOT,
        "freshness  reference write + rsync -a src/ dst/ (local): p50 %.1f ms, p90 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms%n",
        ref.ms(50),
        ref.ms(90),
        ref.ms(99),
        ref.maxMs());
    return new Latencies[] {visible, acked, ref};
  }

  // ---- report ----

  void report(
      double jvmStart,
      List<Double> mmBoot,
      List<double[]> rsBoot,
      Incremental inc,
      Latencies fresh,
      Latencies acked,
      Latencies freshRef) {
    double mmBootS = median(mmBoot);
    List<Double> rsFlushed = new ArrayList<>();
    List<Double> rsPlain = new ArrayList<>();
    List<Double> rsTwins = new ArrayList<>();
    rsBoot.forEach(
        r -> {
          rsPlain.add(r[0]);
          rsFlushed.add(r[1]);
          rsTwins.add(r[2]);
        });
    double rsBootS = median(rsFlushed);
    double rsPlainS = median(rsPlain);
    double rsTwinsS = median(rsTwins);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "== sync: %d files of ~%d B, %d fresh files, %d CPUs ==%n",
        files,
        size,
        this.fresh,
        Runtime.getRuntime().availableProcessors());
    String lat = "%-11s %-38s %6d %-7s p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  %s%n";
    String rate = "%-11s %-38s %6d %-7s %9.2f s %,14.0f files/s         %s%n";
    System.out.printf(
        Locale.ROOT,
        lat,
        "freshness",
        "metamirror PUT -> file in store",
        fresh.size(),
        "changes",
        fresh.ms(50),
        fresh.ms(99),
        fresh.maxMs(),
        String.format(
            Locale.ROOT,
            "target p99 < %.0f ms: %s",
            FRESHNESS_P99_TARGET_MS,
            fresh.ms(99) < FRESHNESS_P99_TARGET_MS ? "MET" : "MISSED"));
    System.out.printf(
        Locale.ROOT,
        lat,
        "",
        "reference: write + rsync -a (local)",
        freshRef.size(),
        "changes",
        freshRef.ms(50),
        freshRef.ms(99),
        freshRef.maxMs(),
        String.format(
            Locale.ROOT,
            "metamirror p50 = %.2f x, p99 = %.2f x reference",
            fresh.ms(50) / freshRef.ms(50),
            fresh.ms(99) / freshRef.ms(99)));
    System.out.printf(
        Locale.ROOT,
        rate,
        "bootstrap",
        "metamirror sync --once",
        files,
        "files",
        mmBootS,
        files / mmBootS,
        String.format(
            Locale.ROOT,
            "target >= reference: %s",
            mmBootS <= rsBootS ? "MET" : "MISSED"));
    System.out.printf(
        Locale.ROOT,
        rate,
        "",
        "reference: rsync -a daemon + sync -f",
        files,
        "files",
        rsBootS,
        files / rsBootS,
        String.format(Locale.ROOT, "metamirror = %.2f x reference", rsBootS / mmBootS));
    System.out.printf(
        Locale.ROOT,
        rate,
        "",
        "reference: rsync -a daemon, no flush",
        files,
        "files",
        rsPlainS,
        files / rsPlainS,
        String.format(Locale.ROOT, "metamirror = %.2f x reference", rsPlainS / mmBootS));
    System.out.printf(
        Locale.ROOT,
        rate,
        "",
        "reference: rsync + gzip -k twins + sync",
        files,
        "files",
        rsTwinsS,
        files / rsTwinsS,
        String.format(
            Locale.ROOT,
            "metamirror = %.2f x reference (same layout: file + .gz twin)",
            rsTwinsS / mmBootS));
    double speedup = inc.rsync().ms(50) / inc.metamirror().ms(50);
    System.out.printf(
        Locale.ROOT,
        lat,
        "incremental",
        "metamirror, agent following",
        inc.metamirror().size(),
        "changes",
        inc.metamirror().ms(50),
        inc.metamirror().ms(99),
        inc.metamirror().maxMs(),
        String.format(
            Locale.ROOT,
            "target >= %.0f x faster (p50): %s",
            INCREMENTAL_SPEEDUP_TARGET,
            speedup >= INCREMENTAL_SPEEDUP_TARGET ? "MET" : "MISSED"));
    System.out.printf(
        Locale.ROOT,
        lat,
        "",
        "reference: rsync -a daemon, whole tree",
        inc.rsync().size(),
        "runs",
        inc.rsync().ms(50),
        inc.rsync().ms(99),
        inc.rsync().maxMs(),
        String.format(Locale.ROOT, "metamirror is %.1f x faster (p50)", speedup));
    System.out.printf(
        Locale.ROOT,
        "freshness: PUT answered by the origin p50 %.1f ms, p99 %.1f ms (inside the figure above);"
            + " polled every %d us%n",
        acked.ms(50),
        acked.ms(99),
        pollMicros);
    System.out.printf(
        Locale.ROOT,
        "bootstrap: a whole `%s` process, JVM start included (%.2f s for"
            + " --version); %d round(s): metamirror %s s, rsync+flush %s s, rsync+twins+flush %s s;"
            + " machine CPU (all cores, every process): metamirror %s s, rsync+flush %s s,"
            + " rsync+twins+flush %s s%n",
        launcher != null ? launcher.getFileName() + " sync" : "java -jar metamirror.jar sync",
        jvmStart,
        mmBoot.size(),
        seconds(mmBoot),
        seconds(rsFlushed),
        seconds(rsTwins),
        seconds(mmBootCpu),
        seconds(rsFlushedCpu),
        seconds(rsTwinsCpu));
    System.out.println(
        "load average at start / end: "
            + loadAtStart
            + " / "
            + loadAverage()
            + "; "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs");
  }

  /**
   * Seconds the whole machine's CPUs have been busy (user, nice, system, irq, softirq) since boot,
   * from /proc/stat, whose unit is USER_HZ: 100 per second on every Linux.
   */
  static double machineBusySeconds() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long ticks = 0;
    for (int i : new int[] {1, 2, 3, 6, 7}) {
      ticks += Long.parseLong(f[i]);
    }
    return ticks / 100.0;
  }

  static String seconds(List<Double> values) {
    StringBuilder sb = new StringBuilder();
    for (double v : values) {
      sb.append(sb.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", v));
    }
    return sb.toString();
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  // ---- helpers ----

  /** Latencies in seconds. */
  static final class Latencies {
    private double[] values = new double[16];
    private int n;

    void add(double seconds) {
      if (n == values.length) {
        values = Arrays.copyOf(values, n * 2);
      }
      values[n++] = seconds;
    }

    int size() {
      return n;
    }

    double ms(int p) {
      double[] sorted = Arrays.copyOf(values, n);
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * n) - 1;
      return 1000 * sorted[Math.max(0, Math.min(n - 1, index))];
    }

    double maxMs() {
      return ms(100);
    }

    String all() {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < n; k++) {
        sb.append(k == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", 1000 * values[k]));
      }
      return sb.toString();
    }
  }

  /**
   * A metamirror command: through the launcher when given (which adds its JVM defaults, then
   * {@code METAMIRROR_JAVA_OPTS}: see {@link #start}), else {@code java -jar}.
   */
  List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>();
    if (launcher != null) {
      command.add(launcher.toString());
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(syncJavaOpts);
      command.add("-jar");
      command.add(jar.toString());
    }
    command.addAll(List.of(args));
    return command;
  }

  Process start(List<String> command, File log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (launcher != null) {
      pb.environment().put("METAMIRROR_JAVA_OPTS", String.join(" ", syncJavaOpts));
    }
    pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log));
    Process p = pb.start();
    synchronized (children) {
      children.add(p);
    }
    // The script kills what is listed here if this JVM dies without its shutdown hook.
    Files.writeString(
        work.resolve("pids"),
        p.pid() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return p;
  }

  void exec(List<String> command, File log) throws Exception {
    Process p = start(command, log);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new BenchFailure(
          String.join(" ", command)
              + " failed"
              + (log == null ? "" : ": " + tail(log.toPath())));
    }
    synchronized (children) {
      children.remove(p);
    }
  }

  /** Runs a short command with inherited output; fails on a non-zero exit. */
  static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new BenchFailure(String.join(" ", command) + " failed");
    }
  }

  void stopChildren() {
    List<Process> list;
    synchronized (children) {
      list = new ArrayList<>(children);
      children.clear();
    }
    for (Process p : list) {
      if (p.isAlive()) {
        p.destroy();
        try {
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
        }
      }
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static long cursorSeq(Path store) throws IOException {
    try (JsonParser in = JSON.createParser(store.resolve(".metamirror/cursor").toFile())) {
      in.nextToken();
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        in.nextToken();
        if (field.equals("seq")) {
          return in.getLongValue();
        }
        in.skipChildren();
      }
    }
    return -1;
  }

  long health() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/.metamirror/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new BenchFailure("origin health: HTTP " + response.statusCode());
    }
    return headOf(response.body());
  }

  static long headOf(byte[] json) throws IOException {
    try (JsonParser in = JSON.createParser(json)) {
      in.nextToken();
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        in.nextToken();
        if (field.equals("head")) {
          return in.getLongValue();
        }
        in.skipChildren();
      }
    }
    throw new BenchFailure("no head in " + abbreviate(new String(json, StandardCharsets.UTF_8)));
  }

  static void deleteTree(Path dir) throws Exception {
    exec("rm", "-rf", dir.toString());
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static double secondsSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1e9;
  }

  static String abbreviate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  static final class BenchFailure extends IOException {
    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
      super(message);
    }
  }
}
