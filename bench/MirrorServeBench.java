import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mirror serving benchmark (see bench/README.md; run through bench/mirror-serve.sh).
 *
 * <p>The script starts two origins, and one nginx that serves the mirror's store directory as it
 * is (plain HTTP and HTTPS, the same certificate as the mirror) and proxies a "router" port:
 * {@code /.metamirror/*} to the first origin, everything else to the second. This program:
 *
 * <ol>
 *   <li>publishes N Composer-like files to origin 1 and starts {@code metamirror mirror serve} on
 *       the store nginx serves; checks both servers return the same bytes (plain and gzip);
 *   <li>runs wrk against nginx and the mirror in alternating rounds, for HTTP and HTTPS (the mirror
 *       is restarted with {@code --tls-cert/--tls-key}), without and with {@code Accept-Encoding:
 *       gzip}, every request a random one of the N files;
 *   <li>fallback: a second mirror whose origin is the router syncs origin 1's tree, so paths that
 *       only origin 2 has are local misses it must fetch through the router; one client times
 *       those misses, the same requests to the router and to origin 2 directly, and local hits on
 *       the mirror and nginx;
 *   <li>RSS: publishes more files up to {@code --rss-files}, restarts the HTTPS mirror on the
 *       store, lets it catch up, and samples its RSS (VmRSS, what {@code ps -o rss} shows) under
 *       wrk load over all those files; nginx's RSS under the same load is the reference.
 * </ol>
 */
public class MirrorServeBench {
  static final double RPS_TARGET = 0.9; // mirror req/s >= 0.9 x nginx's
  static final double P99_TARGET = 1.5; // mirror p99 <= 1.5 x nginx's
  static final long RSS_TARGET_MB = 512;
  static final JsonFactory JSON = new JsonFactory();

  // ---- options ----
  Path jar;
  Path work;
  Path store;
  String origin;
  String token;
  String fallbackOrigin;
  String fallbackToken;
  String router;
  String nginxHttp;
  String nginxHttps;
  long nginxPid;
  Path cert;
  Path key;
  int files = 1_000;
  int size = 5_120;
  int rssFiles = 100_000;
  int fallbackFiles = 200;
  int fallbackRequests = 2_000;
  int threads = 2;
  int connections = 32;
  int duration = 10;
  int warmup = 10;
  int rounds = 3;
  int rssDuration = 20;
  boolean gzipVariant = true;
  long seed = 42;
  List<String> mirrorJavaOpts = List.of();
  Path launcher; // the project's ./metamirror: nodes get the JVM defaults a user gets

  HttpClient http;
  HttpClient https;
  String loadAtStart;
  final List<Process> children = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    MirrorServeBench bench = new MirrorServeBench();
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
      "usage: java -cp cli/target/metamirror.jar bench/MirrorServeBench.java\n"
          + "         --jar JAR --work DIR --store DIR --origin URL --token-file FILE\n"
          + "         --fallback-origin URL --fallback-token-file FILE --router URL\n"
          + "         --nginx-http URL --nginx-https URL --nginx-pid PID --cert PEM --key PEM\n"
          + "         [--files 1000] [--size 5120] [--rss-files 100000 (0: skip)]\n"
          + "         [--fallback-files 200] [--fallback-requests 2000]\n"
          + "         [--threads 2] [--connections 32] [--duration 10] [--warmup 10] [--rounds 3]\n"
          + "         [--rss-duration 20] [--gzip true|false] [--seed 42]\n"
          + "         [--mirror-java-opts '...'] [--launcher ./metamirror]";

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
        case "--jar" -> jar = Path.of(v).toAbsolutePath();
        case "--work" -> work = Path.of(v).toAbsolutePath();
        case "--store" -> store = Path.of(v).toAbsolutePath();
        case "--origin" -> origin = trimSlash(v);
        case "--token-file" -> token = Files.readString(Path.of(v)).trim();
        case "--fallback-origin" -> fallbackOrigin = trimSlash(v);
        case "--fallback-token-file" -> fallbackToken = Files.readString(Path.of(v)).trim();
        case "--router" -> router = trimSlash(v);
        case "--nginx-http" -> nginxHttp = trimSlash(v);
        case "--nginx-https" -> nginxHttps = trimSlash(v);
        case "--nginx-pid" -> nginxPid = Long.parseLong(v);
        case "--cert" -> cert = Path.of(v).toAbsolutePath();
        case "--key" -> key = Path.of(v).toAbsolutePath();
        case "--files" -> files = positive(a, v);
        case "--size" -> size = positive(a, v);
        case "--rss-files" -> rssFiles = Integer.parseInt(v.replace("_", ""));
        case "--fallback-files" -> fallbackFiles = positive(a, v);
        case "--fallback-requests" -> fallbackRequests = positive(a, v);
        case "--threads" -> threads = positive(a, v);
        case "--connections" -> connections = positive(a, v);
        case "--duration" -> duration = positive(a, v);
        case "--warmup" -> warmup = positive(a, v);
        case "--rounds" -> rounds = positive(a, v);
        case "--rss-duration" -> rssDuration = positive(a, v);
        case "--gzip" -> gzipVariant = Boolean.parseBoolean(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--launcher" -> launcher = Path.of(v).toAbsolutePath();
        case "--mirror-java-opts" -> mirrorJavaOpts =
            v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    for (Object required :
        new Object[] {
          jar, work, store, origin, token, fallbackOrigin, fallbackToken, router, nginxHttp,
          nginxHttps, cert, key
        }) {
      if (required == null) {
        throw new IllegalArgumentException("missing a required option");
      }
    }
  }

  static String trimSlash(String v) {
    return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
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

  record Pair(String variant, Wrk mirror, Wrk nginx, List<Wrk> mirrorRounds, List<Wrk> nginxRounds) {}

  record Fallback(Lat miss, Lat viaRouter, Lat direct, Lat localHit, Lat nginxHit) {}

  record Rss(
      int files,
      double idleMb,
      double mirrorMaxMb,
      double nginxMaxMb,
      Wrk mirror,
      Wrk nginx,
      double catchUpSeconds) {}

  void run() throws Exception {
    loadAtStart = loadAverage();
    Files.createDirectories(work);
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    https =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(trusting(cert))
            .build();
    if (head(origin) != 0 || head(fallbackOrigin) != 0) {
      throw new BenchFailure("both origins must be empty (head 0)");
    }
    System.out.printf(
        Locale.ROOT,
        "machine: %d CPUs, %s MB RAM, Java %s; %d files of ~%d B; wrk -t%d -c%d -d%ds%n",
        Runtime.getRuntime().availableProcessors(),
        memTotalMb(),
        System.getProperty("java.version"),
        files,
        size,
        threads,
        connections,
        duration);

    // 1. The tree, synced into the store by a plain-HTTP mirror.
    List<byte[]> contents = new ArrayList<>();
    publish(origin, token, 0, files, contents, "tree");
    publish(fallbackOrigin, fallbackToken, 500_000, fallbackFiles, null, "fallback-only");
    Path paths = writePaths("paths.txt", 0, files);

    List<Pair> pairs = new ArrayList<>();
    Process mirror = startMirror(store, origin, false, "mirror-http");
    String mirrorUrl = url(mirror, false);
    verify(mirrorUrl, nginxHttp, http, contents);
    pairs.add(compare("http", mirrorUrl, nginxHttp, paths, false, mirror));
    if (gzipVariant) {
      pairs.add(compare("http, gzip", mirrorUrl, nginxHttp, paths, true, mirror));
    }
    stop(mirror);

    // 2. HTTPS: the same store, the same certificate for both.
    mirror = startMirror(store, origin, true, "mirror-https");
    mirrorUrl = url(mirror, true);
    verify(mirrorUrl, nginxHttps, https, contents);
    pairs.add(compare("https", mirrorUrl, nginxHttps, paths, false, mirror));
    if (gzipVariant) {
      pairs.add(compare("https, gzip", mirrorUrl, nginxHttps, paths, true, mirror));
    }
    HandshakePair handshakes = compareHandshakes(mirrorUrl, mirror);
    stop(mirror);

    // 3. Fallback: a mirror of origin 1's tree (through the router) asked for origin 2's files.
    Fallback fallback = fallback(contents);

    // 4. RSS with many files.
    Rss rss = rssFiles > files ? rss() : null;

    report(pairs, handshakes, fallback, rss);
  }

  // ---- content ----

  static String path(int i) {
    return "p2/vendor" + zeroPad(i % 1000, 3) + "/pkg" + zeroPad(i, 5) + ".json";
  }

  static String packageName(int i) {
    return "vendor" + zeroPad(i % 1000, 3) + "/pkg" + zeroPad(i, 5);
  }

  static String zeroPad(int n, int width) {
    String digits = Integer.toString(n);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** Deterministic Composer-like JSON (as OriginPublishFeedBench), ~size bytes ±25%. */
  byte[] content(int i) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
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

  /** Publishes files from..from+count-1 through the batch API, 1,000 per request. */
  void publish(String base, String auth, int from, int count, List<byte[]> keep, String what)
      throws Exception {
    long start = System.nanoTime();
    URI uri = URI.create(base + "/.metamirror/api/batch");
    for (int b = from; b < from + count; b += 1000) {
      int to = Math.min(from + count, b + 1000);
      ByteArrayOutputStream out = new ByteArrayOutputStream((to - b) * (size * 4 / 3 + 80));
      out.write("{\"changes\":[".getBytes(StandardCharsets.US_ASCII));
      for (int i = b; i < to; i++) {
        byte[] content = content(i);
        if (keep != null) {
          keep.add(content);
        }
        out.write(
            ((i > b ? "," : "") + "{\"op\":\"put\",\"path\":\"" + path(i) + "\",\"content\":\"")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(Base64.getEncoder().encode(content));
        out.write("\"}".getBytes(StandardCharsets.US_ASCII));
      }
      out.write("]}".getBytes(StandardCharsets.US_ASCII));
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(300))
                  .header("Authorization", "Bearer " + auth)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new BenchFailure(
            "publish to "
                + base
                + ": HTTP "
                + response.statusCode()
                + ": "
                + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "setup: published %d %s files to %s in %.1f s%n",
        count,
        what,
        base,
        secondsSince(start));
  }

  Path writePaths(String name, int from, int count) throws IOException {
    StringBuilder sb = new StringBuilder(count * 32);
    for (int i = from; i < from + count; i++) {
      sb.append('/').append(path(i)).append('\n');
    }
    Path file = work.resolve(name);
    Files.writeString(file, sb);
    return file;
  }

  // ---- mirror processes ----

  Process startMirror(Path storeDir, String originUrl, boolean tls, String name) throws Exception {
    int port = freePort();
    List<String> command = new ArrayList<>();
    Map<String, String> env = new HashMap<>();
    if (launcher != null) {
      // The launcher execs java with its defaults, then METAMIRROR_JAVA_OPTS (the last -Xmx wins).
      command.add(launcher.toString());
      env.put("METAMIRROR_JAVA_OPTS", String.join(" ", mirrorJavaOpts));
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(mirrorJavaOpts);
      command.addAll(List.of("-jar", jar.toString()));
    }
    command.addAll(
        List.of(
            "mirror",
            "serve",
            "--origin",
            originUrl,
            "--store",
            storeDir.toString(),
            "--listen",
            "127.0.0.1:" + port,
            "--node-id",
            name,
            "--drain-grace",
            "0"));
    if (tls) {
      command.addAll(List.of("--tls-cert", cert.toString(), "--tls-key", key.toString()));
    }
    Path log = work.resolve(name + ".log");
    Process p = start(command, env, log.toFile());
    mirrorPorts.put(p.pid(), port);
    String base = url(p, tls);
    HttpClient client = tls ? https : http;
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.MINUTES.toNanos(30);
    long originHead = head(originUrl.equals(router) ? origin : originUrl);
    while (true) {
      if (!p.isAlive()) {
        throw new BenchFailure(name + " exited: " + tail(log));
      }
      try {
        HttpResponse<byte[]> r =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/.metamirror/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        // Ready to measure: answering, and the store at the origin's head. Health may still be
        // 503 then (see watchHealth).
        if (cursorSeq(storeDir) >= originHead) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(name + " did not catch up within 30 minutes: " + tail(log));
      }
      Thread.sleep(100);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: pid %d at %s, store at seq %d after %.1f s%n",
        name,
        p.pid(),
        base,
        originHead,
        secondsSince(t0));
    watchHealth(name, base, client, p, t0);
    return p;
  }

  /** Reports, in the background, when the node's health first answers 200, from its start. */
  void watchHealth(String name, String base, HttpClient client, Process p, long t0) {
    Thread t =
        new Thread(
            () -> {
              String last = "";
              while (p.isAlive()) {
                try {
                  HttpResponse<String> r =
                      client.send(
                          HttpRequest.newBuilder(URI.create(base + "/.metamirror/health"))
                              .timeout(Duration.ofSeconds(5))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() == 200) {
                    System.out.printf(
                        Locale.ROOT,
                        "%s: health 200 %.1f s after start (before: %s)%n",
                        name,
                        secondsSince(t0),
                        last.isEmpty() ? "-" : last);
                    return;
                  }
                  last = r.statusCode() + " " + abbreviate(r.body());
                  Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                  return;
                }
              }
            },
            "health-" + name);
    t.setDaemon(true);
    t.start();
  }

  final java.util.Map<Long, Integer> mirrorPorts = new java.util.HashMap<>();

  String url(Process p, boolean tls) {
    return (tls ? "https" : "http") + "://127.0.0.1:" + mirrorPorts.get(p.pid());
  }

  void stop(Process p) throws Exception {
    p.destroy(); // SIGTERM: drains for --drain-grace (0 here), then exits
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    synchronized (children) {
      children.remove(p);
    }
  }

  // ---- checks ----

  /** Every file from both servers (identity), and a sample with gzip: same bytes, status 200. */
  void verify(String mirrorUrl, String nginxUrl, HttpClient client, List<byte[]> contents)
      throws Exception {
    for (int i = 0; i < contents.size(); i++) {
      boolean gz = i % 10 == 0;
      for (String base : List.of(mirrorUrl, nginxUrl)) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(URI.create(base + "/" + path(i))).timeout(Duration.ofSeconds(10));
        if (gz) {
          b.header("Accept-Encoding", "gzip");
        }
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = r.body();
        String encoding = r.headers().firstValue("Content-Encoding").orElse("");
        if (gz) {
          if (!encoding.equals("gzip")) {
            throw new BenchFailure(base + "/" + path(i) + " with Accept-Encoding: gzip: not gzip");
          }
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            body = in.readAllBytes();
          }
        }
        if (r.statusCode() != 200 || !Arrays.equals(body, contents.get(i))) {
          throw new BenchFailure(
              base + "/" + path(i) + ": HTTP " + r.statusCode() + ", not the published bytes");
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "checked: %s and %s return the published bytes for all %d files (every 10th gzipped)%n",
        mirrorUrl,
        nginxUrl,
        contents.size());
  }

  // ---- wrk ----

  /** One wrk run's figures. */
  record Wrk(
      double rps,
      double p50ms,
      double p99ms,
      long requests,
      double bytesPerResponse,
      long non2xx,
      long socketErrors,
      double maxRssMb) {}

  Pair compare(
      String variant, String mirrorUrl, String nginxUrl, Path paths, boolean gzip, Process mirror)
      throws Exception {
    Path script = luaScript(paths);
    long[] nginxPids = nginxPids();
    long[] mirrorPids = {mirror.pid()};
    // Warm both (the JIT, nginx's and the kernel's caches), unmeasured.
    wrk(mirrorUrl, script, gzip, warmup, mirrorPids);
    wrk(nginxUrl, script, gzip, warmup, nginxPids);
    List<Wrk> m = new ArrayList<>();
    List<Wrk> n = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      // alternate which goes first, so neither always follows the other's leftovers
      if (r % 2 == 0) {
        n.add(wrk(nginxUrl, script, gzip, duration, nginxPids));
        m.add(wrk(mirrorUrl, script, gzip, duration, mirrorPids));
      } else {
        m.add(wrk(mirrorUrl, script, gzip, duration, mirrorPids));
        n.add(wrk(nginxUrl, script, gzip, duration, nginxPids));
      }
    }
    Wrk mm = medianByRps(m);
    Wrk nn = medianByRps(n);
    System.out.printf(
        Locale.ROOT,
        "serve %-12s metamirror %s req/s; nginx %s req/s (every round)%n",
        variant,
        rpsList(m),
        rpsList(n));
    return new Pair(variant, mm, nn, m, n);
  }

  Path luaScript(Path paths) throws IOException {
    Path script = work.resolve(paths.getFileName() + ".lua");
    String lua =
        "-- every request: GET one of the paths in "
            + paths
            + ", at random\n"
            + "local requests = {}\n"
            + "init = function(args)\n"
            + "  for line in io.lines(\""
            + paths
            + "\") do\n"
            + "    requests[#requests + 1] = wrk.format(\"GET\", line)\n"
            + "  end\n"
            + "  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))\n"
            + "end\n"
            + "request = function()\n"
            + "  return requests[math.random(#requests)]\n"
            + "end\n";
    Files.writeString(script, lua);
    return script;
  }

  static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  static final Pattern PCT = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  static final Pattern TOTAL =
      Pattern.compile("(\\d+) requests in [0-9.]+\\w+, ([0-9.]+)(B|KB|MB|GB|TB) read");
  static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  static final Pattern ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  Wrk wrk(String base, Path script, boolean gzip, int seconds, long[] rssPids) throws Exception {
    List<String> command = new ArrayList<>(
        List.of(
            "wrk",
            "-t" + threads,
            "-c" + connections,
            "-d" + seconds + "s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            script.toString()));
    if (gzip) {
      command.addAll(List.of("-H", "Accept-Encoding: gzip"));
    }
    command.add(base + "/");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    // Sample the server's RSS while wrk runs.
    AtomicLong maxRssKb = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (p.isAlive()) {
                long kb = 0;
                for (long pid : rssPids) {
                  kb += rssKb(pid);
                }
                maxRssKb.accumulateAndGet(kb, Math::max);
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new BenchFailure("wrk failed: " + out);
    }
    sampler.join();
    Matcher rps = RPS.matcher(out);
    Matcher total = TOTAL.matcher(out);
    if (!rps.find() || !total.find()) {
      throw new BenchFailure("cannot read wrk's output: " + out);
    }
    double p50 = -1;
    double p99 = -1;
    for (Matcher m = PCT.matcher(out); m.find(); ) {
      double v = Double.parseDouble(m.group(2));
      double ms = m.group(3).equals("us") ? v / 1000 : m.group(3).equals("s") ? v * 1000 : v;
      if (m.group(1).equals("50")) {
        p50 = ms;
      } else {
        p99 = ms;
      }
    }
    long requests = Long.parseLong(total.group(1));
    double read = Double.parseDouble(total.group(2));
    read *=
        switch (total.group(3)) {
          case "KB" -> 1024.0;
          case "MB" -> 1024.0 * 1024;
          case "GB" -> 1024.0 * 1024 * 1024;
          case "TB" -> 1024.0 * 1024 * 1024 * 1024;
          default -> 1;
        };
    Matcher non2xx = NON2XX.matcher(out);
    long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    Matcher errors = ERRORS.matcher(out);
    long socketErrors = 0;
    if (errors.find()) {
      for (int g = 1; g <= 4; g++) {
        socketErrors += Long.parseLong(errors.group(g));
      }
    }
    if (bad > 0 || socketErrors > requests / 1000) {
      throw new BenchFailure(
          base + ": " + bad + " non-2xx responses, " + socketErrors + " socket errors:\n" + out);
    }
    return new Wrk(
        Double.parseDouble(rps.group(1)),
        p50,
        p99,
        requests,
        read / Math.max(1, requests),
        bad,
        socketErrors,
        maxRssKb.get() / 1024.0);
  }

  static Wrk medianByRps(List<Wrk> runs) {
    List<Wrk> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Double.compare(a.rps(), b.rps()));
    return sorted.get(sorted.size() / 2);
  }

  static String rpsList(List<Wrk> runs) {
    StringBuilder sb = new StringBuilder();
    for (Wrk w : runs) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%,.0f (p99 %.2f ms)", w.rps(), w.p99ms()));
    }
    return sb.toString();
  }

  long[] nginxPids() {
    List<Long> pids = new ArrayList<>();
    pids.add(nginxPid);
    ProcessHandle.of(nginxPid).ifPresent(h -> h.children().forEach(c -> pids.add(c.pid())));
    return pids.stream().mapToLong(Long::longValue).toArray();
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  // ---- TLS handshakes ----

  /**
   * {@code openssl s_time -new} for {@code seconds}: one client making a new TLS connection (a full
   * handshake, no resumption) after another; the count, the wall time and the server's CPU time.
   */
  record Handshakes(long connections, double seconds, double serverCpuMs) {
    double perSecond() {
      return connections / seconds;
    }

    double cpuMsEach() {
      return serverCpuMs / connections;
    }
  }

  record HandshakePair(Handshakes mirror, Handshakes nginx) {}

  static final Pattern S_TIME = Pattern.compile("(\\d+) connections in [0-9.]+ real seconds");

  /**
   * What a new HTTPS connection costs each server: wrk opens its connections at the start of every
   * round, so this cost is inside the https rows' first milliseconds too.
   */
  HandshakePair compareHandshakes(String mirrorUrl, Process mirror) throws Exception {
    long[] mirrorPids = {mirror.pid()};
    long[] nginxPids = nginxPids();
    handshakes(mirrorUrl, mirrorPids, 1); // warm the handshake code, unmeasured
    handshakes(nginxHttps, nginxPids, 1);
    List<Handshakes> m = new ArrayList<>();
    List<Handshakes> n = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      m.add(handshakes(mirrorUrl, mirrorPids, HANDSHAKE_SECONDS));
      n.add(handshakes(nginxHttps, nginxPids, HANDSHAKE_SECONDS));
    }
    System.out.printf(
        Locale.ROOT,
        "tls handshakes: server CPU ms each, metamirror %s; nginx %s (every round)%n",
        handshakeList(m),
        handshakeList(n));
    return new HandshakePair(medianByCpu(m), medianByCpu(n));
  }

  static Handshakes medianByCpu(List<Handshakes> runs) {
    List<Handshakes> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Double.compare(a.cpuMsEach(), b.cpuMsEach()));
    return sorted.get(sorted.size() / 2);
  }

  static final int HANDSHAKE_SECONDS = 5;

  static String handshakeList(List<Handshakes> runs) {
    StringBuilder sb = new StringBuilder();
    for (Handshakes h : runs) {
      sb.append(sb.isEmpty() ? "" : " / ")
          .append(String.format(Locale.ROOT, "%.2f (%,.0f/s)", h.cpuMsEach(), h.perSecond()));
    }
    return sb.toString();
  }

  Handshakes handshakes(String httpsUrl, long[] serverPids, int seconds) throws Exception {
    URI uri = URI.create(httpsUrl);
    long cpuBefore = cpuTicks(serverPids);
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(
                "openssl",
                "s_time",
                "-connect",
                uri.getHost() + ":" + uri.getPort(),
                "-new",
                "-time",
                Integer.toString(seconds))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new BenchFailure("openssl s_time failed: " + out);
    }
    double wall = secondsSince(start);
    long ticks = cpuTicks(serverPids) - cpuBefore;
    Matcher m = S_TIME.matcher(out);
    if (!m.find() || Long.parseLong(m.group(1)) == 0) {
      throw new BenchFailure("cannot read openssl s_time's output: " + out);
    }
    double serverCpuMs = ticks * 1000.0 / CLOCK_TICKS_PER_SECOND;
    return new Handshakes(Long.parseLong(m.group(1)), wall, serverCpuMs);
  }

  /** User + system CPU of the processes (all their threads), in clock ticks. */
  static long cpuTicks(long[] pids) throws IOException {
    long ticks = 0;
    for (long pid : pids) {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // After "(comm)" come the fields from the 3rd on; utime and stime are the 14th and 15th.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return ticks;
  }

  /** The unit of /proc's CPU times (USER_HZ): 100 per second on every Linux, as in SyncBench. */
  static final int CLOCK_TICKS_PER_SECOND = 100;

  // ---- fallback ----

  /** Latencies in ms. */
  static final class Lat {
    private double[] v = new double[64];
    private int n;

    void add(double ms) {
      if (n == v.length) {
        v = Arrays.copyOf(v, n * 2);
      }
      v[n++] = ms;
    }

    double p(int pct) {
      double[] s = Arrays.copyOf(v, n);
      Arrays.sort(s);
      return s[Math.max(0, Math.min(n - 1, (int) Math.ceil(pct / 100.0 * n) - 1))];
    }

    int size() {
      return n;
    }
  }

  Fallback fallback(List<byte[]> contents) throws Exception {
    Path fbStore = work.resolve("store-fallback");
    Process node = startMirror(fbStore, router, false, "mirror-fallback");
    String base = url(node, false);
    // One keep-alive client per target, requests one at a time.
    HttpClient toMirror = client();
    HttpClient toRouter = client();
    HttpClient toOrigin = client();
    HttpClient toNginx = client();
    Lat miss = new Lat();
    Lat viaRouter = new Lat();
    Lat direct = new Lat();
    Lat localHit = new Lat();
    Lat nginxHit = new Lat();
    int warm = Math.min(500, fallbackRequests / 4);
    for (int k = 0; k < warm + fallbackRequests; k++) {
      boolean measured = k >= warm;
      int i = 500_000 + k % fallbackFiles;
      String p = "/" + path(i);
      int expected = content(i).length;
      int hitIndex = k % contents.size();
      String hit = "/" + path(hitIndex);
      // rotate the order so that none always runs right after another
      for (int slot = 0; slot < 5; slot++) {
        switch ((slot + k) % 5) {
          case 0 -> record(measured ? miss : null, toMirror, base + p, expected, "origin");
          case 1 -> record(measured ? viaRouter : null, toRouter, router + p, expected, null);
          case 2 -> record(measured ? direct : null, toOrigin, fallbackOrigin + p, expected, null);
          case 3 -> record(
              measured ? localHit : null,
              toMirror,
              base + hit,
              contents.get(hitIndex).length,
              "local");
          default -> record(
              measured ? nginxHit : null, toNginx, nginxHttp + hit, contents.get(hitIndex).length, null);
        }
      }
    }
    stop(node);
    System.out.printf(
        Locale.ROOT,
        "fallback  miss p50 %.2f ms p99 %.2f ms; via router p50 %.2f p99 %.2f; origin 2 directly"
            + " p50 %.2f p99 %.2f; local hit p50 %.2f p99 %.2f; nginx hit p50 %.2f p99 %.2f%n",
        miss.p(50),
        miss.p(99),
        viaRouter.p(50),
        viaRouter.p(99),
        direct.p(50),
        direct.p(99),
        localHit.p(50),
        localHit.p(99),
        nginxHit.p(50),
        nginxHit.p(99));
    return new Fallback(miss, viaRouter, direct, localHit, nginxHit);
  }

  HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  void record(Lat into, HttpClient client, String uri, int expectedSize, String source)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build();
    long t = System.nanoTime();
    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - t) / 1e6;
    if (r.statusCode() != 200 || r.body().length != expectedSize) {
      throw new BenchFailure(uri + ": HTTP " + r.statusCode() + ", " + r.body().length + " B");
    }
    if (source != null) {
      String actual = r.headers().firstValue("X-Metamirror-Source").orElse("?");
      if (!actual.equals(source)) {
        throw new BenchFailure(uri + ": served from " + actual + ", expected " + source);
      }
    }
    if (into != null) {
      into.add(ms);
    }
  }

  // ---- RSS with many files ----

  Rss rss() throws Exception {
    publish(origin, token, files, rssFiles - files, null, "more");
    Path paths = writePaths("paths-all.txt", 0, rssFiles);
    Path script = luaScript(paths);
    long t0 = System.nanoTime();
    Process node = startMirror(store, origin, true, "mirror-https-" + rssFiles);
    double catchUp = secondsSince(t0);
    String base = url(node, true);
    Thread.sleep(2000);
    double idle = rssKb(node.pid()) / 1024.0;
    long[] nginx = nginxPids();
    wrk(base, script, false, warmup, new long[] {node.pid()});
    wrk(nginxHttps, script, false, warmup, nginx);
    Wrk m = wrk(base, script, false, rssDuration, new long[] {node.pid()});
    Wrk n = wrk(nginxHttps, script, false, rssDuration, nginx);
    double after = rssKb(node.pid()) / 1024.0;
    stop(node);
    System.out.printf(
        Locale.ROOT,
        "rss  mirror with %d files: %.0f MB idle after catching up (%.1f s), max %.0f MB under"
            + " load, %.0f MB after; nginx max %.0f MB%n",
        rssFiles,
        idle,
        catchUp,
        m.maxRssMb(),
        after,
        n.maxRssMb());
    return new Rss(rssFiles, idle, m.maxRssMb(), n.maxRssMb(), m, n, catchUp);
  }

  // ---- report ----

  void report(List<Pair> pairs, HandshakePair hs, Fallback fb, Rss rss) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "== mirror serve: %d files of ~%d B, wrk -t%d -c%d -d%ds, median of %d rounds, %d CPUs =="
            + "%n",
        files,
        size,
        threads,
        connections,
        duration,
        rounds,
        Runtime.getRuntime().availableProcessors());
    String row = "%-16s %-30s %,10.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %6.0f B/resp  %s%n";
    for (Pair p : pairs) {
      double rpsRatio = p.mirror().rps() / p.nginx().rps();
      double p99Ratio = p.mirror().p99ms() / p.nginx().p99ms();
      System.out.printf(
          Locale.ROOT,
          row,
          "serve " + p.variant().replace(", ", "+"),
          "metamirror mirror serve",
          p.mirror().rps(),
          p.mirror().p50ms(),
          p.mirror().p99ms(),
          p.mirror().bytesPerResponse(),
          String.format(
              Locale.ROOT,
              "req/s %.2f x (target >= %.1f x): %s; p99 %.2f x (target <= %.1f x): %s",
              rpsRatio,
              RPS_TARGET,
              rpsRatio >= RPS_TARGET ? "MET" : "MISSED",
              p99Ratio,
              P99_TARGET,
              p99Ratio <= P99_TARGET ? "MET" : "MISSED"));
      System.out.printf(
          Locale.ROOT,
          row,
          "",
          "reference: nginx, same store",
          p.nginx().rps(),
          p.nginx().p50ms(),
          p.nginx().p99ms(),
          p.nginx().bytesPerResponse(),
          "");
    }
    String hsRow = "%-16s %-46s %,7.0f /s  server CPU %5.2f ms each  %s%n";
    System.out.printf(
        Locale.ROOT,
        hsRow,
        "tls handshakes",
        "mirror, a new connection each (s_time -new)",
        hs.mirror().perSecond(),
        hs.mirror().cpuMsEach(),
        String.format(
            Locale.ROOT,
            "%.2f x nginx's CPU per handshake",
            hs.mirror().cpuMsEach() / hs.nginx().cpuMsEach()));
    System.out.printf(
        Locale.ROOT,
        hsRow,
        "",
        "reference: nginx, same certificate",
        hs.nginx().perSecond(),
        hs.nginx().cpuMsEach(),
        "");
    String lat = "%-16s %-46s %6d req  p50 %7.2f ms  p99 %7.2f ms  %s%n";
    System.out.printf(
        Locale.ROOT,
        lat,
        "fallback",
        "mirror miss -> origin (via the nginx router)",
        fb.miss().size(),
        fb.miss().p(50),
        fb.miss().p(99),
        String.format(
            Locale.ROOT,
            "mirror adds %.2f ms at p50, %.2f ms at p99",
            fb.miss().p(50) - fb.viaRouter().p(50),
            fb.miss().p(99) - fb.viaRouter().p(99)));
    System.out.printf(
        Locale.ROOT,
        lat,
        "",
        "reference: same path, router directly",
        fb.viaRouter().size(),
        fb.viaRouter().p(50),
        fb.viaRouter().p(99),
        "");
    System.out.printf(
        Locale.ROOT,
        lat,
        "",
        "reference: same path, origin directly",
        fb.direct().size(),
        fb.direct().p(50),
        fb.direct().p(99),
        "");
    System.out.printf(
        Locale.ROOT,
        lat,
        "local hit",
        "mirror, same client, one at a time",
        fb.localHit().size(),
        fb.localHit().p(50),
        fb.localHit().p(99),
        String.format(
            Locale.ROOT, "p50 %.2f x nginx", fb.localHit().p(50) / fb.nginxHit().p(50)));
    System.out.printf(
        Locale.ROOT,
        lat,
        "",
        "reference: nginx, same files",
        fb.nginxHit().size(),
        fb.nginxHit().p(50),
        fb.nginxHit().p(99),
        "");
    if (rss != null) {
      String r = "%-16s %-34s %,10.0f req/s  p99 %7.2f ms  max RSS %6.0f MB  %s%n";
      System.out.printf(
          Locale.ROOT,
          r,
          "rss",
          "mirror (https), " + rss.files() + " files",
          rss.mirror().rps(),
          rss.mirror().p99ms(),
          rss.mirrorMaxMb(),
          String.format(
              Locale.ROOT,
              "target < %d MB: %s (idle %.0f MB)",
              RSS_TARGET_MB,
              rss.mirrorMaxMb() < RSS_TARGET_MB ? "MET" : "MISSED",
              rss.idleMb()));
      System.out.printf(
          Locale.ROOT,
          r,
          "",
          "reference: nginx, master + workers",
          rss.nginx().rps(),
          rss.nginx().p99ms(),
          rss.nginxMaxMb(),
          String.format(
              Locale.ROOT,
              "mirror req/s %.2f x nginx",
              rss.mirror().rps() / rss.nginx().rps()));
    } else {
      System.out.println("rss              skipped (--rss-files not above --files)");
    }
    System.out.println(
        "load average at start / end: "
            + loadAtStart
            + " / "
            + loadAverage()
            + "; "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs");
  }

  // ---- helpers ----

  static SSLContext trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int k = 0;
    try (InputStream in = Files.newInputStream(pem)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("c" + k++, c);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  Process start(List<String> command, File log) throws IOException {
    return start(command, Map.of(), log);
  }

  Process start(List<String> command, Map<String, String> env, File log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    builder.environment().putAll(env);
    Process p = builder.start();
    synchronized (children) {
      children.add(p);
    }
    Files.writeString(
        work.resolve("pids"), p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return p;
  }

  void stopChildren() {
    List<Process> list;
    synchronized (children) {
      list = new ArrayList<>(children);
      children.clear();
    }
    for (Process p : list) {
      if (p.isAlive()) {
        p.destroyForcibly();
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

  static long cursorSeq(Path storeDir) {
    Path file = storeDir.resolve(".metamirror/cursor");
    if (!Files.exists(file)) {
      return -1;
    }
    try (JsonParser in = JSON.createParser(file.toFile())) {
      in.nextToken();
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        in.nextToken();
        if (field.equals("seq")) {
          return in.getLongValue();
        }
        in.skipChildren();
      }
    } catch (IOException e) {
      return -1; // being replaced
    }
    return -1;
  }

  long head(String base) throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/.metamirror/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new BenchFailure(base + " health: HTTP " + response.statusCode());
    }
    try (JsonParser in = JSON.createParser(response.body())) {
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
    throw new BenchFailure(base + " health has no head");
  }

  static String memTotalMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return String.format(
              Locale.ROOT, "%,d", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return "?";
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
