package io.metamirror.bench.mirror;

import io.metamirror.bench.Benchmark;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.LoopbackPorts;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.MirrorNode.TlsFiles;
import io.metamirror.bench.harness.Nginx;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.ResidentMemory;
import io.metamirror.bench.harness.ResultTable;
import io.metamirror.bench.harness.ResultTable.Row;
import io.metamirror.bench.harness.Samples;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.bench.harness.Workspace;
import io.metamirror.mirror.tls.TlsContexts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Mirror serve: {@code metamirror mirror serve} against nginx serving the same store directory, as
 * it is, over HTTP and HTTPS (the same certificate), with wrk; the cost of a TLS handshake; the
 * latency of a miss fetched from the origin; and the node's memory with many files.
 *
 * <ol>
 *   <li>N files published to origin 1 and synced into the store by a plain-HTTP node; every file
 *       fetched from both servers and compared with the published bytes;
 *   <li>wrk rounds alternating nginx and the node, HTTP then HTTPS (the node restarted with {@code
 *       --tls-cert/--tls-key}), without and with {@code Accept-Encoding: gzip}, every request a
 *       random one of the N files; then {@code openssl s_time -new} against both;
 *   <li>fallback: a second node whose origin is an nginx router (the feed, snapshot and blobs from
 *       origin 1, other paths from origin 2) syncs origin 1's tree, so origin 2's files are misses
 *       it fetches every time; one client times those, the same paths through the router and from
 *       origin 2 directly, and local hits on the node and on nginx;
 *   <li>RSS: origin 1 grows to {@code --rss-files}, the HTTPS node restarted on the store catches
 *       up, and its resident memory is sampled under wrk load over all those files; nginx's under
 *       the same load is the reference.
 * </ol>
 */
public final class MirrorServeBenchmark implements Benchmark {
  public static final String OPTIONS =
      "[--files 1000] [--size 5120] [--threads 2] [--connections 32] [--duration 10]"
          + " [--warmup 10] [--rounds 3] [--gzip true] [--fallback-files 200]"
          + " [--fallback-requests 2000] [--rss-files 100000 (0: skip)] [--rss-duration 20]"
          + " [--seed 42]";

  private static final double RPS_TARGET = 0.9; // the node's req/s >= 0.9 x nginx's
  private static final double P99_TARGET = 1.5; // the node's p99 <= 1.5 x nginx's
  private static final double RSS_TARGET_MB = 512;
  private static final int HANDSHAKE_SECONDS = 5;
  private static final int FALLBACK_FIRST = 500_000; // origin 2's files: far from origin 1's

  private final int files;
  private final int threads;
  private final int connections;
  private final int duration;
  private final int warmup;
  private final int rounds;
  private final boolean gzipVariants;
  private final int fallbackFiles;
  private final int fallbackRequests;
  private final int rssFiles;
  private final int rssDuration;
  private final ComposerLikeFiles tree;

  private Harness harness;
  private Workspace workspace;
  private Wrk wrk;
  private TlsFiles tls;
  private HttpClient http;
  private HttpClient https;
  private OriginServer origin;
  private Nginx nginx;
  private String nginxHttp;
  private String nginxHttps;
  private String router;

  public MirrorServeBenchmark(Options options) {
    files = options.positive("files", 1_000);
    tree = new ComposerLikeFiles(options.longValue("seed", 42), options.positive("size", 5_120));
    threads = options.positive("threads", 2);
    connections = options.positive("connections", 32);
    duration = options.positive("duration", 10);
    // A node started moments before is still compiling (its C2 threads ran 1.8 s of a 4 s window
    // ~10 s after start): an unmeasured run on each server first.
    warmup = options.positive("warmup", 10);
    rounds = options.positive("rounds", 3);
    gzipVariants = options.bool("gzip", true);
    fallbackFiles = options.positive("fallback-files", 200);
    fallbackRequests = options.positive("fallback-requests", 2_000);
    rssFiles = options.nonNegative("rss-files", 100_000);
    rssDuration = options.positive("rss-duration", 20);
  }

  /** wrk's median round of each server for one variant. */
  private record Comparison(String variant, Wrk.Result mirror, Wrk.Result nginx) {}

  /** Latencies of the fallback loop, in ms. */
  private record Fallback(
      Samples miss, Samples viaRouter, Samples direct, Samples localHit, Samples nginxHit) {}

  private record Rss(double idleMb, double catchUpSeconds, Wrk.Result mirror, Wrk.Result nginx) {}

  @Override
  public void run(Harness harness) throws Exception {
    this.harness = harness;
    workspace = harness.workspace();
    wrk = new Wrk(harness.processes(), threads, connections);
    tls = selfSignedCertificate();
    http = HttpClients.http11();
    https = HttpClients.http11(TlsContexts.trusting(tls.certificate()));
    origin = OriginServer.start(harness, "origin");
    OriginServer fallbackOrigin = OriginServer.start(harness, "origin-2");
    Path store = workspace.directory("store");
    startNginx(store, fallbackOrigin);
    if (origin.api().head() != 0 || fallbackOrigin.api().head() != 0) {
      throw new BenchFailure("both origins must be empty (head 0)");
    }
    System.out.printf(
        Locale.ROOT,
        "%d files of ~%d B; wrk -t%d -c%d -d%ds%n",
        files,
        tree.size(),
        threads,
        connections,
        duration);

    // 1. The tree, synced into the store by a plain-HTTP node.
    List<byte[]> contents = new ArrayList<>();
    publish(origin.api(), 0, files, contents, "tree");
    publish(fallbackOrigin.api(), FALLBACK_FIRST, fallbackFiles, null, "fallback-only");
    Path paths = writePaths("paths.txt", files);

    List<Comparison> comparisons = new ArrayList<>();
    MirrorNode node = startNode("mirror-http", origin.url(), store, null);
    verify(node.url(), nginxHttp, http, contents);
    comparisons.add(compare("http", node, nginxHttp, paths, false));
    if (gzipVariants) {
      comparisons.add(compare("http+gzip", node, nginxHttp, paths, true));
    }
    harness.processes().stop(node.process());

    // 2. HTTPS: the same store, the same certificate for both.
    node = startNode("mirror-https", origin.url(), store, tls);
    verify(node.url(), nginxHttps, https, contents);
    comparisons.add(compare("https", node, nginxHttps, paths, false));
    if (gzipVariants) {
      comparisons.add(compare("https+gzip", node, nginxHttps, paths, true));
    }
    TlsHandshakes[] handshakes = compareHandshakes(node);
    harness.processes().stop(node.process());

    // 3. Fallback: a node of origin 1's tree (through the router) asked for origin 2's files.
    Fallback fallback = fallback(contents, fallbackOrigin.url());

    // 4. RSS with many files.
    Rss rss = rssFiles > files ? rss(store) : null;

    report(comparisons, handshakes, fallback, rss);
  }

  // ---- setup ----

  /** A self-signed P-256 certificate for 127.0.0.1, served by the node and nginx alike. */
  private TlsFiles selfSignedCertificate() throws IOException, InterruptedException {
    Path dir = workspace.directory("tls");
    TlsFiles files = new TlsFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    harness
        .processes()
        .output(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                files.key().toString(),
                "-out",
                files.certificate().toString()),
            Duration.ofMinutes(1));
    return files;
  }

  /**
   * One nginx with three servers: the store as it is over HTTP and over HTTPS, and the fallback
   * node's origin, a router sending {@code /.metamirror/*} to origin 1 and the rest to origin 2.
   */
  private void startNginx(Path store, OriginServer fallbackOrigin)
      throws IOException, InterruptedException {
    int httpPort = LoopbackPorts.free();
    int httpsPort = LoopbackPorts.free();
    int routerPort = LoopbackPorts.free();
    String config =
        String.join(
            "\n",
            "  sendfile on;",
            "  tcp_nopush on;",
            "  tcp_nodelay on;",
            "  keepalive_requests 10000000;",
            "  keepalive_timeout 120s;",
            "  types { application/json json; text/html html; }",
            "  default_type application/octet-stream;",
            "  gzip off;",
            "  gzip_static on;",
            "  gzip_vary on;",
            "  ssl_certificate " + tls.certificate() + ";",
            "  ssl_certificate_key " + tls.key() + ";",
            "  ssl_protocols TLSv1.2 TLSv1.3;",
            "  ssl_session_cache shared:SSL:1m;",
            "  server { listen 127.0.0.1:" + httpPort + "; root " + store + "; }",
            "  server { listen 127.0.0.1:" + httpsPort + " ssl; root " + store + "; }",
            "  upstream origin1 { server " + hostPort(origin.url()) + "; keepalive 16; }",
            "  upstream origin2 { server " + hostPort(fallbackOrigin.url()) + "; keepalive 16; }",
            "  server {",
            "    listen 127.0.0.1:" + routerPort + ";",
            "    proxy_http_version 1.1;",
            "    proxy_set_header Connection \"\";",
            "    location /.metamirror/ {",
            "      proxy_pass http://origin1;",
            "      proxy_buffering off;",
            "      proxy_read_timeout 120s;",
            "    }",
            "    location / { proxy_pass http://origin2; }",
            "  }");
    nginxHttp = "http://127.0.0.1:" + httpPort;
    nginxHttps = "https://127.0.0.1:" + httpsPort;
    router = "http://127.0.0.1:" + routerPort;
    nginx = Nginx.start(harness, "auto", 4096, config, nginxHttp + "/");
  }

  private static String hostPort(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  /** Publishes files {@code from} to {@code from + count - 1}, 1,000 per request. */
  private void publish(OriginApi api, int from, int count, List<byte[]> keep, String what)
      throws IOException, InterruptedException {
    Stopwatch clock = Stopwatch.start();
    for (int b = from; b < from + count; b += 1000) {
      api.publishBatch(tree.batchBody(b, Math.min(from + count, b + 1000), null, keep), what);
    }
    System.out.printf(
        Locale.ROOT,
        "setup: published %d %s files to %s in %.1f s%n",
        count,
        what,
        api.url(),
        clock.seconds());
  }

  /** The URL paths of files 0 to {@code count - 1}, one a line, for wrk's script. */
  private Path writePaths(String name, int count) throws IOException {
    StringBuilder sb = new StringBuilder(count * 32);
    for (int i = 0; i < count; i++) {
      sb.append('/').append(ComposerLikeFiles.path(i)).append('\n');
    }
    Path file = workspace.directory("work").resolve(name);
    Files.writeString(file, sb);
    return file;
  }

  /**
   * Starts a node and waits until its store is at origin 1's head (its health may still say 503
   * then: the figures are measured once the files are there, and a background poll reports when
   * health first says 200).
   */
  private MirrorNode startNode(String name, String nodeOrigin, Path store, TlsFiles nodeTls)
      throws IOException, InterruptedException {
    HttpClient client = nodeTls == null ? http : https;
    long originHead = origin.api().head();
    MirrorNode node = MirrorNode.start(harness, name, nodeOrigin, store, nodeTls, client);
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (JsonFields.cursorSeq(store) < originHead) {
      if (!node.process().isAlive()) {
        throw new BenchFailure(name + " exited: " + node.logTail(harness));
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(
            name + " did not catch up within 30 minutes: " + node.logTail(harness));
      }
      Thread.sleep(100);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: pid %d at %s, store at seq %d after %.1f s%n",
        name,
        node.process().pid(),
        node.url(),
        originHead,
        node.startedAt().seconds());
    reportHealthy(node, client);
    return node;
  }

  /** Prints, from a background thread, when the node's health first answers 200. */
  private static void reportHealthy(MirrorNode node, HttpClient client) {
    Thread t =
        new Thread(
            () -> {
              String last = "";
              HttpRequest health =
                  HttpRequest.newBuilder(URI.create(node.url() + "/.metamirror/health"))
                      .timeout(Duration.ofSeconds(5))
                      .build();
              while (node.process().isAlive()) {
                try {
                  HttpResponse<String> r =
                      client.send(health, HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() == 200) {
                    System.out.printf(
                        Locale.ROOT,
                        "%s: health 200 %.1f s after start (before: %s)%n",
                        node.name(),
                        node.startedAt().seconds(),
                        last.isEmpty() ? "-" : last);
                    return;
                  }
                  last = r.statusCode() + " " + BenchFailure.abbreviate(r.body());
                  Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                  return;
                }
              }
            },
            "health-" + node.name());
    t.setDaemon(true);
    t.start();
  }

  /** Every file from both servers, every 10th with gzip: status 200 and the published bytes. */
  private static void verify(
      String mirrorUrl, String nginxUrl, HttpClient client, List<byte[]> contents)
      throws IOException, InterruptedException {
    for (int i = 0; i < contents.size(); i++) {
      boolean gzip = i % 10 == 0;
      String path = ComposerLikeFiles.path(i);
      for (String base : List.of(mirrorUrl, nginxUrl)) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(base + "/" + path)).timeout(Duration.ofSeconds(10));
        if (gzip) {
          request.header("Accept-Encoding", "gzip");
        }
        HttpResponse<byte[]> r =
            client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = r.body();
        if (gzip) {
          if (!r.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            throw new BenchFailure(base + "/" + path + " with Accept-Encoding: gzip: not gzip");
          }
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            body = in.readAllBytes();
          }
        }
        if (r.statusCode() != 200 || !Arrays.equals(body, contents.get(i))) {
          throw new BenchFailure(
              base + "/" + path + ": HTTP " + r.statusCode() + ", not the published bytes");
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

  private Comparison compare(
      String variant, MirrorNode node, String nginxUrl, Path paths, boolean gzip)
      throws IOException, InterruptedException {
    Path script = Wrk.randomPathScript(paths);
    long[] nginxPids = nginx.pids();
    long[] nodePids = {node.process().pid()};
    // Warm both (the JIT, nginx's and the kernel's caches), unmeasured.
    wrk.run(node.url(), script, gzip, warmup, nodePids);
    wrk.run(nginxUrl, script, gzip, warmup, nginxPids);
    List<Wrk.Result> ours = new ArrayList<>();
    List<Wrk.Result> theirs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      // alternate which goes first, so that neither always follows the other's leftovers
      if (r % 2 == 0) {
        theirs.add(wrk.run(nginxUrl, script, gzip, duration, nginxPids));
        ours.add(wrk.run(node.url(), script, gzip, duration, nodePids));
      } else {
        ours.add(wrk.run(node.url(), script, gzip, duration, nodePids));
        theirs.add(wrk.run(nginxUrl, script, gzip, duration, nginxPids));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "serve %-12s metamirror %s req/s; nginx %s req/s (every round)%n",
        variant,
        rpsList(ours),
        rpsList(theirs));
    Comparator<Wrk.Result> byRps = Comparator.comparingDouble(Wrk.Result::rps);
    return new Comparison(variant, Samples.medianOf(ours, byRps), Samples.medianOf(theirs, byRps));
  }

  private static String rpsList(List<Wrk.Result> rounds) {
    StringBuilder sb = new StringBuilder();
    for (Wrk.Result w : rounds) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%,.0f (p99 %.2f ms)", w.rps(), w.p99ms()));
    }
    return sb.toString();
  }

  // ---- TLS handshakes ----

  /** {the node's median round, nginx's}, ranked by server CPU per handshake. */
  private TlsHandshakes[] compareHandshakes(MirrorNode node)
      throws IOException, InterruptedException {
    long[] nodePids = {node.process().pid()};
    long[] nginxPids = nginx.pids();
    TlsHandshakes.measure(harness.processes(), node.url(), nodePids, 1); // warm-up
    TlsHandshakes.measure(harness.processes(), nginxHttps, nginxPids, 1);
    List<TlsHandshakes> ours = new ArrayList<>();
    List<TlsHandshakes> theirs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      ours.add(TlsHandshakes.measure(harness.processes(), node.url(), nodePids, HANDSHAKE_SECONDS));
      theirs.add(
          TlsHandshakes.measure(harness.processes(), nginxHttps, nginxPids, HANDSHAKE_SECONDS));
    }
    System.out.printf(
        Locale.ROOT,
        "tls handshakes: server CPU ms each, metamirror %s; nginx %s (every round)%n",
        handshakeList(ours),
        handshakeList(theirs));
    Comparator<TlsHandshakes> byCpu = Comparator.comparingDouble(TlsHandshakes::cpuMsEach);
    return new TlsHandshakes[] {Samples.medianOf(ours, byCpu), Samples.medianOf(theirs, byCpu)};
  }

  private static String handshakeList(List<TlsHandshakes> rounds) {
    StringBuilder sb = new StringBuilder();
    for (TlsHandshakes h : rounds) {
      sb.append(sb.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%.2f (%,.0f/s)", h.cpuMsEach(), h.perSecond()));
    }
    return sb.toString();
  }

  // ---- fallback ----

  /**
   * One measured path of the fallback loop; {@code source} is where the node must say it served it
   * from ({@code X-Metamirror-Source}), null for other servers.
   */
  private record Target(HttpClient client, Samples latencies, String source) {
    Target(HttpClient client, String source) {
      this(client, new Samples(), source);
    }

    /** GETs {@code url}; checks status, size and (for the node) where it was served from. */
    void get(String url, int expectedSize, boolean measured)
        throws IOException, InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
      Stopwatch clock = Stopwatch.start();
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      double ms = clock.millis();
      if (r.statusCode() != 200 || r.body().length != expectedSize) {
        throw new BenchFailure(url + ": HTTP " + r.statusCode() + ", " + r.body().length + " B");
      }
      if (source != null) {
        String actual = r.headers().firstValue("X-Metamirror-Source").orElse("?");
        if (!actual.equals(source)) {
          throw new BenchFailure(url + ": served from " + actual + ", expected " + source);
        }
      }
      if (measured) {
        latencies.add(ms);
      }
    }
  }

  private Fallback fallback(List<byte[]> contents, String fallbackOriginUrl)
      throws IOException, InterruptedException {
    MirrorNode node = startNode("mirror-fallback", router, workspace.file("store-fallback"), null);
    // One keep-alive connection per server, requests one at a time.
    HttpClient toNode = HttpClients.http11();
    Target miss = new Target(toNode, "origin");
    Target viaRouter = new Target(HttpClients.http11(), null);
    Target direct = new Target(HttpClients.http11(), null);
    Target localHit = new Target(toNode, "local");
    Target nginxHit = new Target(HttpClients.http11(), null);
    int warm = Math.min(500, fallbackRequests / 4);
    for (int k = 0; k < warm + fallbackRequests; k++) {
      boolean measured = k >= warm;
      int i = FALLBACK_FIRST + k % fallbackFiles;
      String path = "/" + ComposerLikeFiles.path(i);
      int size = tree.content(i).length;
      int hitIndex = k % contents.size();
      String hit = "/" + ComposerLikeFiles.path(hitIndex);
      int hitSize = contents.get(hitIndex).length;
      // rotate the order, so that none always runs right after another
      for (int slot = 0; slot < 5; slot++) {
        switch ((slot + k) % 5) {
          case 0 -> miss.get(node.url() + path, size, measured);
          case 1 -> viaRouter.get(router + path, size, measured);
          case 2 -> direct.get(fallbackOriginUrl + path, size, measured);
          case 3 -> localHit.get(node.url() + hit, hitSize, measured);
          default -> nginxHit.get(nginxHttp + hit, hitSize, measured);
        }
      }
    }
    harness.processes().stop(node.process());
    Fallback fallback =
        new Fallback(
            miss.latencies(),
            viaRouter.latencies(),
            direct.latencies(),
            localHit.latencies(),
            nginxHit.latencies());
    System.out.println(
        "fallback  miss "
            + fallback.miss().summary(1, "ms", 50, 99)
            + "; via router "
            + fallback.viaRouter().summary(1, "ms", 50, 99)
            + "; origin 2 directly "
            + fallback.direct().summary(1, "ms", 50, 99)
            + "; local hit "
            + fallback.localHit().summary(1, "ms", 50, 99)
            + "; nginx hit "
            + fallback.nginxHit().summary(1, "ms", 50, 99));
    return fallback;
  }

  // ---- RSS with many files ----

  private Rss rss(Path store) throws IOException, InterruptedException {
    publish(origin.api(), files, rssFiles - files, null, "more");
    Path script = Wrk.randomPathScript(writePaths("paths-all.txt", rssFiles));
    Stopwatch catchUp = Stopwatch.start();
    MirrorNode node = startNode("mirror-https-" + rssFiles, origin.url(), store, tls);
    double catchUpSeconds = catchUp.seconds();
    Thread.sleep(2000);
    long pid = node.process().pid();
    double idle = ResidentMemory.kib(pid) / 1024.0;
    long[] nginxPids = nginx.pids();
    wrk.run(node.url(), script, false, warmup, new long[] {pid});
    wrk.run(nginxHttps, script, false, warmup, nginxPids);
    Wrk.Result ours = wrk.run(node.url(), script, false, rssDuration, new long[] {pid});
    Wrk.Result theirs = wrk.run(nginxHttps, script, false, rssDuration, nginxPids);
    double after = ResidentMemory.kib(pid) / 1024.0;
    harness.processes().stop(node.process());
    System.out.printf(
        Locale.ROOT,
        "rss  mirror with %d files: %.0f MB idle after catching up (%.1f s), max %.0f MB under"
            + " load, %.0f MB after; nginx max %.0f MB%n",
        rssFiles,
        idle,
        catchUpSeconds,
        ours.maxRssMb(),
        after,
        theirs.maxRssMb());
    return new Rss(idle, catchUpSeconds, ours, theirs);
  }

  // ---- report ----

  private void report(
      List<Comparison> comparisons, TlsHandshakes[] handshakes, Fallback fallback, Rss rss) {
    ResultTable results = harness.results();
    for (Comparison c : comparisons) {
      Map<Wrk.Figure, Row> rows =
          wrkRows(results, "serve " + c.variant(), c.mirror(), "nginx, same store", c.nginx());
      double rpsRatio = c.mirror().rps() / c.nginx().rps();
      double p99Ratio = c.mirror().p99ms() / c.nginx().p99ms();
      rows.get(Wrk.Figure.REQUESTS_PER_SECOND)
          .note(
              "wrk; target >= " + RPS_TARGET + " x: " + ResultTable.verdict(rpsRatio >= RPS_TARGET))
          .note(
              String.format(
                  Locale.ROOT,
                  "B/resp %.0f, nginx %.0f",
                  c.mirror().bytesPerResponse(),
                  c.nginx().bytesPerResponse()));
      rows.get(Wrk.Figure.P99)
          .note("target <= " + P99_TARGET + " x: " + ResultTable.verdict(p99Ratio <= P99_TARGET));
    }
    String sameCertificate = "nginx, same certificate";
    results
        .add(
            "tls handshakes, s_time -new",
            "/s",
            handshakes[0].perSecond(),
            sameCertificate,
            handshakes[1].perSecond())
        .note("one client; its own CPU is in it");
    results.add(
        "tls handshake, server CPU each",
        "ms",
        handshakes[0].cpuMsEach(),
        sameCertificate,
        handshakes[1].cpuMsEach());
    int[] percentiles = {50, 99};
    Samples miss = fallback.miss();
    List<Row> viaRouter =
        results.addPercentiles(
            "fallback miss",
            "ms",
            1,
            miss,
            "same path, router directly",
            fallback.viaRouter(),
            percentiles);
    for (int k = 0; k < percentiles.length; k++) {
      double added =
          miss.percentile(percentiles[k]) - fallback.viaRouter().percentile(percentiles[k]);
      viaRouter.get(k).note(String.format(Locale.ROOT, "the mirror adds %.2f ms", added));
    }
    results.addPercentiles(
        "fallback miss",
        "ms",
        1,
        miss,
        "same path, origin directly",
        fallback.direct(),
        percentiles);
    results
        .addPercentiles(
            "local hit",
            "ms",
            1,
            fallback.localHit(),
            "nginx, same files",
            fallback.nginxHit(),
            percentiles)
        .get(0)
        .note("one request at a time; " + fallback.localHit().size() + " requests");
    if (rss != null) {
      String masterAndWorkers = "nginx, master + workers";
      results
          .add(
              "rss, max under load (https, " + rssFiles + " files)",
              "MB",
              rss.mirror().maxRssMb(),
              masterAndWorkers,
              rss.nginx().maxRssMb())
          .note(
              String.format(
                  Locale.ROOT,
                  "target < %.0f MB: %s; idle %.0f MB after catching up in %.1f s",
                  RSS_TARGET_MB,
                  ResultTable.verdict(rss.mirror().maxRssMb() < RSS_TARGET_MB),
                  rss.idleMb(),
                  rss.catchUpSeconds()));
      wrkRows(results, "rss load, all files", rss.mirror(), masterAndWorkers, rss.nginx());
    } else {
      System.out.println("rss: skipped (--rss-files not above --files)");
    }
    harness.finish(
        String.format(
            Locale.ROOT,
            "mirror serve: %d files of ~%d B, wrk -t%d -c%d -d%ds, median of %d rounds, %d CPUs",
            files,
            tree.size(),
            threads,
            connections,
            duration,
            rounds,
            Runtime.getRuntime().availableProcessors()));
  }

  /** The table's rows for one wrk comparison against nginx: requests/s, p50 and p99. */
  private static Map<Wrk.Figure, Row> wrkRows(
      ResultTable results, String measure, Wrk.Result ours, String reference, Wrk.Result theirs) {
    Map<Wrk.Figure, Row> rows = new EnumMap<>(Wrk.Figure.class);
    for (Wrk.Figure f : Wrk.Figure.values()) {
      rows.put(f, results.add(measure + f.suffix, f.unit, f.of(ours), reference, f.of(theirs)));
    }
    return rows;
  }
}
