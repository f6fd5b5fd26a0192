import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Origin publish + feed benchmark (see bench/README.md; run through bench/origin-publish-feed.sh).
 *
 * <p>Against an already running origin it publishes N generated files through {@code POST
 * /.metamirror/api/batch} in batches, then reads the whole feed back with {@code GET
 * /.metamirror/feed?since=N&limit=L} until a page has no entries, checking that the seqs are
 * consecutive (and, on a fresh origin, that every entry is the file published under that seq).
 *
 * <p>References measured in the same run, each optional:
 *
 * <ul>
 *   <li>{@code --rsync-dir DIR}: the same files written to DIR/src, then {@code rsync -a DIR/src/
 *       DIR/dst/ && sync} timed — what publishing costs without metamirror.
 *   <li>{@code --pages-dir DIR} + {@code --reference-feed-url URL}: the feed page bodies read from
 *       the origin are saved as DIR/since-N.json, and the same client reads them back the same way
 *       from a static web server (nginx) serving DIR at URL — what moving the same bytes costs.
 * </ul>
 *
 * <p>Request bodies are built before the publish clock starts, so the publish figure is the
 * origin's (and the loopback's), not the generator's. The feed is read once cold (reported on its
 * own; it saves the pages), the reference once to warm the client, then {@code --feed-rounds}
 * rounds alternating origin and reference; the median round is the headline, all are printed.
 *
 * <p>Run: {@code java -cp cli/target/metamirror.jar bench/OriginPublishFeedBench.java --url
 * http://127.0.0.1:PORT --token-file FILE [--files 100000] [--batch 1000] [--size 2048] ...}
 */
public class OriginPublishFeedBench {
  static final double PUBLISH_TARGET = 5_000; // files/s
  static final double FEED_TARGET = 200_000; // entries/s
  static final JsonFactory JSON = new JsonFactory();

  // ---- options ----
  String url;
  String token;
  int files = 100_000;
  int batch = 1_000;
  int size = 2_048;
  int limit = 10_000;
  int feedRounds = 3;
  String loadAtStart;
  long seed = 42;
  Path rsyncDir;
  Path pagesDir;
  String referenceFeedUrl;

  HttpClient http;

  public static void main(String[] args) throws Exception {
    OriginPublishFeedBench bench = new OriginPublishFeedBench();
    try {
      bench.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
    try {
      bench.run();
    } catch (BenchFailure e) {
      System.err.println("FAILED: " + e.getMessage());
      System.exit(1);
    }
  }

  static final String USAGE =
      "usage: java -cp cli/target/metamirror.jar bench/OriginPublishFeedBench.java\n"
          + "         --url URL (--token-file FILE | --token TOKEN)\n"
          + "         [--files 100000] [--batch 1000] [--size 2048] [--limit 10000]\n"
          + "         [--feed-rounds 3] [--seed 42]\n"
          + "         [--rsync-dir DIR] [--pages-dir DIR --reference-feed-url URL]";

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
        case "--url":
          url = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
          break;
        case "--token":
          token = v;
          break;
        case "--token-file":
          token = Files.readString(Path.of(v)).trim();
          break;
        case "--files":
          files = positive(a, v);
          break;
        case "--batch":
          batch = positive(a, v);
          break;
        case "--size":
          size = positive(a, v);
          break;
        case "--limit":
          limit = positive(a, v);
          break;
        case "--feed-rounds":
          feedRounds = positive(a, v);
          break;
        case "--seed":
          seed = Long.parseLong(v);
          break;
        case "--rsync-dir":
          rsyncDir = Path.of(v);
          break;
        case "--pages-dir":
          pagesDir = Path.of(v);
          break;
        case "--reference-feed-url":
          referenceFeedUrl = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("--url is required");
    }
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("--token-file or --token is required");
    }
    if (referenceFeedUrl != null && pagesDir == null) {
      throw new IllegalArgumentException("--reference-feed-url needs --pages-dir");
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
    long startHead = health(url);
    boolean fresh = startHead == 0;
    System.out.printf(
        Locale.ROOT,
        "origin %s  head=%d%s%n",
        url,
        startHead,
        fresh ? "" : "  (not empty: per-entry checks off, seq checks still on)");
    System.out.printf(
        Locale.ROOT,
        "machine: %d CPUs, Java %s; %d files of ~%d B, batches of %d, feed pages of %d%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        files,
        size,
        batch,
        limit);

    // Generate request bodies before the clock starts.
    long t0 = System.nanoTime();
    int[] sizes = new int[files];
    List<byte[]> bodies = new ArrayList<>();
    long payloadBytes = 0;
    for (int from = 0; from < files; from += batch) {
      int to = Math.min(files, from + batch);
      byte[] body = batchBody(from, to, sizes);
      payloadBytes += body.length;
      bodies.add(body);
    }
    long contentBytes = Arrays.stream(sizes).asLongStream().sum();
    System.out.printf(
        Locale.ROOT,
        "generated %d files (%.1f MB content, %.1f MB of request bodies) in %.2f s%n",
        files,
        contentBytes / 1e6,
        payloadBytes / 1e6,
        secondsSince(t0));

    // 1. Publish.
    Measure publish = publish(bodies, startHead);
    bodies = null;
    System.gc();

    // 2. Publish reference: rsync -a of the same files + sync.
    Measure rsync = rsyncDir == null ? null : rsyncReference(sizes);

    // 3. Feed. The first read of the origin is the cold one (fresh client and server JVMs); it
    // saves the page bodies the reference serves, and it is reported on its own. Then one
    // unmeasured read of the reference warms the client for it too, and the measured rounds
    // alternate origin and reference so that neither gets the warmer client.
    int[] check = fresh ? sizes : null;
    long expected = startHead + files;
    Measure coldFeed = readFeed("origin (first read)", url, pagesDir, check, expected);
    if (referenceFeedUrl != null) {
      readFeed("nginx (warm-up)", referenceFeedUrl, null, check, expected);
    }
    List<Measure> feedRuns = new ArrayList<>();
    List<Measure> refRuns = new ArrayList<>();
    for (int r = 1; r <= feedRounds; r++) {
      feedRuns.add(readFeed("origin", url, null, check, expected));
      if (referenceFeedUrl != null) {
        refRuns.add(readFeed("nginx", referenceFeedUrl, null, check, expected));
      }
    }

    report(publish, rsync, coldFeed, feedRuns, refRuns);
  }

  // ---- content ----

  static String path(int i) {
    return "p2/" + packageName(i) + ".json";
  }

  /** vendorNNN/pkgNNNNN (String.format is too slow for the per-entry feed checks). */
  static String packageName(int i) {
    return "vendor" + zeroPad(i % 1000, 3) + "/pkg" + zeroPad(i, 5);
  }

  static String zeroPad(int n, int width) {
    String digits = Integer.toString(n);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** Deterministic, JSON-ish (valid JSON, Composer-like), unique per file, ~size bytes ±25%. */
  byte[] content(int i) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
    int target = Math.max(64, size * 3 / 4 + random.nextInt(size / 2 + 1));
    String name = packageName(i);
    StringBuilder sb = new StringBuilder(target + 64);
    sb.append("{\"packages\":{\"").append(name).append("\":[");
    String closing = "]},\"pad\":\"\"}";
    int major = random.nextInt(10);
    for (int v = 0; ; v++) {
      StringBuilder version = new StringBuilder(360);
      if (v > 0) {
        version.append(',');
      }
      String ver = major + "." + v + "." + random.nextInt(20);
      version
          .append("{\"name\":\"")
          .append(name)
          .append("\",\"version\":\"")
          .append(ver)
          .append("\",\"version_normalized\":\"")
          .append(ver)
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
      if (v > 0 && sb.length() + version.length() + closing.length() > target) {
        break;
      }
      sb.append(version);
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

  byte[] batchBody(int from, int to, int[] sizes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((to - from) * (size * 4 / 3 + 80));
    Base64.Encoder base64 = Base64.getEncoder();
    out.write("{\"changes\":[".getBytes(StandardCharsets.US_ASCII));
    for (int i = from; i < to; i++) {
      byte[] content = content(i);
      sizes[i] = content.length;
      if (i > from) {
        out.write(',');
      }
      out.write(
          ("{\"op\":\"put\",\"path\":\"" + path(i) + "\",\"content\":\"")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(base64.encode(content));
      out.write('"');
      out.write('}');
    }
    out.write(']');
    out.write('}');
    return out.toByteArray();
  }

  // ---- publish ----

  Measure publish(List<byte[]> bodies, long startHead) throws Exception {
    URI uri = URI.create(url + "/.metamirror/api/batch");
    double[] latencies = new double[bodies.size()];
    long expectedHead = startHead;
    long start = System.nanoTime();
    for (int b = 0; b < bodies.size(); b++) {
      byte[] body = bodies.get(b);
      int count = Math.min(batch, files - b * batch);
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(300))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      long t = System.nanoTime();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      latencies[b] = secondsSince(t);
      if (response.statusCode() != 200) {
        throw new BenchFailure(
            String.format(
                Locale.ROOT,
                "batch %d (%d files, %,d B body): HTTP %d: %s",
                b + 1,
                count,
                body.length,
                response.statusCode(),
                abbreviate(new String(response.body(), StandardCharsets.UTF_8))));
      }
      long[] headAndCount = publishAnswer(response.body());
      expectedHead += count;
      if (headAndCount[1] != count || headAndCount[0] != expectedHead) {
        throw new BenchFailure(
            String.format(
                Locale.ROOT,
                "batch %d: origin journaled %d entries up to head %d, expected %d up to %d",
                b + 1,
                headAndCount[1],
                headAndCount[0],
                count,
                expectedHead));
      }
    }
    double seconds = secondsSince(start);
    double[] sorted = latencies.clone();
    Arrays.sort(sorted);
    String detail =
        String.format(
            Locale.ROOT,
            "%d POSTs; per batch p50 %.0f ms, p90 %.0f ms, max %.0f ms; first %.0f ms",
            bodies.size(),
            1000 * percentile(sorted, 50),
            1000 * percentile(sorted, 90),
            1000 * sorted[sorted.length - 1],
            1000 * latencies[0]);
    System.out.printf(
        Locale.ROOT,
        "publish  origin: %d files in %.3f s = %,.0f files/s (%s)%n",
        files,
        seconds,
        files / seconds,
        detail);
    return new Measure(files, seconds, detail);
  }

  /** {head, number of entries} of a publish answer {"head":N,"entries":[...]}. */
  static long[] publishAnswer(byte[] body) throws IOException {
    long head = -1;
    long count = 0;
    try (JsonParser in = JSON.createParser(body)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new BenchFailure("publish answer is not a JSON object");
      }
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        if (field.equals("head")) {
          head = in.getLongValue();
        } else if (field.equals("entries") && value == JsonToken.START_ARRAY) {
          while (in.nextToken() == JsonToken.START_OBJECT) {
            in.skipChildren();
            count++;
          }
        } else {
          in.skipChildren();
        }
      }
    }
    return new long[] {head, count};
  }

  // ---- publish reference ----

  Measure rsyncReference(int[] sizes) throws Exception {
    Path src = rsyncDir.resolve("src");
    Path dst = rsyncDir.resolve("dst");
    Files.createDirectories(dst);
    // Write the same files (not timed), and flush them so their writeback is not billed to rsync.
    long t0 = System.nanoTime();
    for (int i = 0; i < files; i++) {
      Path file = src.resolve(path(i));
      if (i < 1000) { // file i lives in vendor i % 1000
        Files.createDirectories(file.getParent());
      }
      byte[] content = content(i);
      if (content.length != sizes[i]) {
        throw new BenchFailure("content generator is not deterministic");
      }
      Files.write(file, content);
    }
    exec("sync");
    System.out.printf(
        Locale.ROOT,
        "wrote the same %d files to %s (+ sync) in %.2f s%n",
        files,
        src,
        secondsSince(t0));

    long start = System.nanoTime();
    exec("rsync", "-a", src + "/", dst + "/");
    exec("sync");
    double seconds = secondsSince(start);
    String detail = "rsync -a into an empty directory on the same disk, then sync";
    System.out.printf(
        Locale.ROOT,
        "publish  reference: %d files in %.3f s = %,.0f files/s (%s)%n",
        files,
        seconds,
        files / seconds,
        detail);
    return new Measure(files, seconds, detail);
  }

  static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new BenchFailure(String.join(" ", command) + " failed");
    }
  }

  // ---- feed ----

  /**
   * Reads the whole feed from since=0 until a page has no entries. Checks: HTTP 200, seqs
   * consecutive from 1, the last seq equals the page's head; with {@code sizes} (a fresh origin)
   * also that entry seq k is a put of file k-1 with its size.
   */
  Measure readFeed(String label, String base, Path saveTo, int[] sizes, long expectedEntries)
      throws Exception {
    if (saveTo != null) {
      Files.createDirectories(saveTo);
    }
    long since = 0;
    long entries = 0;
    long bytes = 0;
    int pages = 0;
    long start = System.nanoTime();
    while (true) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(base + "/.metamirror/feed?since=" + since + "&limit=" + limit))
              .timeout(Duration.ofSeconds(60))
              .GET()
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      byte[] body = response.body();
      if (response.statusCode() != 200) {
        throw new BenchFailure(
            label
                + " feed since="
                + since
                + ": HTTP "
                + response.statusCode()
                + ": "
                + abbreviate(new String(body, StandardCharsets.UTF_8)));
      }
      if (saveTo != null) {
        Files.write(saveTo.resolve("since-" + since + ".json"), body);
      }
      pages++;
      bytes += body.length;
      long last = checkPage(label, body, since, sizes);
      if (last == since) {
        break;
      }
      entries += last - since;
      since = last;
    }
    double seconds = secondsSince(start);
    if (entries != expectedEntries) {
      throw new BenchFailure(
          label + " feed: read " + entries + " entries, expected " + expectedEntries);
    }
    String detail =
        String.format(
            Locale.ROOT, "%d pages, %.1f MB, %.0f MB/s", pages, bytes / 1e6, bytes / 1e6 / seconds);
    System.out.printf(
        Locale.ROOT,
        "feed     %s: %d entries in %.3f s = %,.0f entries/s (%s)%n",
        label,
        entries,
        seconds,
        entries / seconds,
        detail);
    return new Measure(entries, seconds, detail);
  }

  /** Parses one page; returns the seq of its last entry, or {@code since} when it has none. */
  static long checkPage(String label, byte[] body, long since, int[] sizes) throws IOException {
    long next = since + 1;
    long head = -1;
    try (JsonParser in = JSON.createParser(body)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new BenchFailure(label + " feed page is not a JSON object");
      }
      for (JsonToken t = in.nextToken(); t == JsonToken.FIELD_NAME; t = in.nextToken()) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        if (field.equals("head")) {
          head = in.getLongValue();
        } else if (field.equals("entries") && value == JsonToken.START_ARRAY) {
          while (in.nextToken() == JsonToken.START_OBJECT) {
            long seq = -1;
            long size = -1;
            String op = null;
            String path = null;
            for (JsonToken f = in.nextToken(); f == JsonToken.FIELD_NAME; f = in.nextToken()) {
              String name = in.currentName();
              in.nextToken();
              switch (name) {
                case "seq":
                  seq = in.getLongValue();
                  break;
                case "size":
                  size = in.getLongValue();
                  break;
                case "op":
                  op = in.getText();
                  break;
                case "path":
                  path = in.getText();
                  break;
                default:
                  in.skipChildren();
              }
            }
            if (seq != next) {
              throw new BenchFailure(
                  label + " feed since=" + since + ": seq " + seq + " where " + next + " was due");
            }
            if (sizes != null) {
              int i = (int) (seq - 1);
              if (!"put".equals(op) || !path(i).equals(path) || size != sizes[i]) {
                throw new BenchFailure(
                    label
                        + " feed: seq "
                        + seq
                        + " is "
                        + op
                        + " "
                        + path
                        + " ("
                        + size
                        + " B), expected put "
                        + path(i)
                        + " ("
                        + sizes[i]
                        + " B)");
              }
            }
            next++;
          }
        } else {
          in.skipChildren();
        }
      }
    }
    long last = next - 1;
    if (last > since && head < last) {
      throw new BenchFailure(label + " feed: head " + head + " is behind entry " + last);
    }
    return last;
  }

  long health(String base) throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/.metamirror/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new BenchFailure("origin health: HTTP " + response.statusCode());
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
    throw new BenchFailure("origin health has no head");
  }

  // ---- report ----

  void report(
      Measure publish,
      Measure rsync,
      Measure coldFeed,
      List<Measure> feedRuns,
      List<Measure> refRuns) {
    Measure feed = median(feedRuns);
    Measure ref = refRuns.isEmpty() ? null : median(refRuns);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "== origin publish + feed: %d files of ~%d B, batches of %d, feed pages of %d, %d CPUs"
            + " ==%n",
        files,
        size,
        batch,
        limit,
        Runtime.getRuntime().availableProcessors());
    String row = "%-9s %-30s %9d %-7s %9.3f s %,12.0f %-9s %s%n";
    System.out.printf(
        Locale.ROOT,
        row,
        "publish",
        "metamirror POST /api/batch",
        publish.count,
        "files",
        publish.seconds,
        publish.rate(),
        "files/s",
        verdict(publish.rate(), PUBLISH_TARGET, "files/s"));
    if (rsync != null) {
      System.out.printf(
          Locale.ROOT,
          row,
          "",
          "reference: rsync -a + sync",
          rsync.count,
          "files",
          rsync.seconds,
          rsync.rate(),
          "files/s",
          String.format(
              Locale.ROOT, "metamirror = %.2f x reference", publish.rate() / rsync.rate()));
    }
    System.out.printf(
        Locale.ROOT,
        row,
        "feed",
        "metamirror GET /feed",
        feed.count,
        "entries",
        feed.seconds,
        feed.rate(),
        "entries/s",
        verdict(feed.rate(), FEED_TARGET, "entries/s"));
    if (ref != null) {
      System.out.printf(
          Locale.ROOT,
          row,
          "",
          "reference: nginx, same pages",
          ref.count,
          "entries",
          ref.seconds,
          ref.rate(),
          "entries/s",
          String.format(Locale.ROOT, "metamirror = %.2f x reference", feed.rate() / ref.rate()));
    }
    System.out.printf(
        Locale.ROOT,
        row,
        "",
        "metamirror, first read (cold)",
        coldFeed.count,
        "entries",
        coldFeed.seconds,
        coldFeed.rate(),
        "entries/s",
        verdict(coldFeed.rate(), FEED_TARGET, "entries/s"));
    System.out.println(
        "feed rows: median of "
            + feedRuns.size()
            + " full reads after the first; every round (entries/s): metamirror "
            + rates(feedRuns)
            + (refRuns.isEmpty() ? "" : "; nginx " + rates(refRuns)));
    System.out.println("load average at start / end: " + loadAtStart + " / " + loadAverage());
  }

  static String verdict(double rate, double target, String unit) {
    return String.format(
        Locale.ROOT, "target >= %,.0f %s: %s", target, unit, rate >= target ? "MET" : "MISSED");
  }

  static String rates(List<Measure> runs) {
    StringBuilder sb = new StringBuilder();
    for (Measure m : runs) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%,.0f", m.rate()));
    }
    return sb.toString();
  }

  static Measure median(List<Measure> runs) {
    List<Measure> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Double.compare(a.seconds, b.seconds));
    return sorted.get(sorted.size() / 2);
  }

  /** The 1-minute load average, to show whether something else was using the CPUs. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static double secondsSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1e9;
  }

  static String abbreviate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  static final class Measure {
    final long count;
    final double seconds;
    final String detail;

    Measure(long count, double seconds, String detail) {
      this.count = count;
      this.seconds = seconds;
      this.detail = detail;
    }

    double rate() {
      return count / seconds;
    }
  }

  static final class BenchFailure extends IOException {
    private static final long serialVersionUID = 1L;

    BenchFailure(String message) {
      super(message);
    }
  }
}
