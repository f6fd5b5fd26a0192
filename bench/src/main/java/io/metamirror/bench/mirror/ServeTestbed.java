package io.metamirror.bench.mirror;

import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.HttpClients;
import io.metamirror.bench.harness.JsonFields;
import io.metamirror.bench.harness.LoopbackPorts;
import io.metamirror.bench.harness.MirrorNode;
import io.metamirror.bench.harness.MirrorNode.TlsFiles;
import io.metamirror.bench.harness.Nginx;
import io.metamirror.bench.harness.OriginApi;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.bench.harness.Stopwatch;
import io.metamirror.mirror.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What every part of the mirror-serve benchmark runs against: a self-signed certificate, two empty
 * origins, one nginx with three servers, and the way a node is started and waited for until its
 * store is at origin 1's head. The harness stops every process it started, so this holds no
 * resource of its own.
 *
 * @param origin origin 1: the tree every node syncs
 * @param fallbackOrigin origin 2: files only the fallback finds, through the router
 * @param store the store the plain and HTTPS nodes sync into, and nginx serves as it is
 */
record ServeTestbed(
    Harness harness,
    ComposerLikeFiles tree,
    TlsFiles tls,
    HttpClient http,
    HttpClient https,
    OriginServer origin,
    OriginServer fallbackOrigin,
    Path store,
    NginxServers nginx) {

  /**
   * nginx and the base URLs of its servers: the store over HTTP and over HTTPS (the node's
   * certificate), and the router, {@code /.metamirror/*} to origin 1 and the rest to origin 2.
   */
  record NginxServers(Nginx process, String http, String https, String router) {
    /** The master and its workers, read anew each time. */
    long[] pids() {
      return process.pids();
    }
  }

  /** Starts the origins and nginx; fails unless both origins are empty. */
  static ServeTestbed start(Harness harness, ComposerLikeFiles tree)
      throws IOException, InterruptedException {
    TlsFiles tls = TlsFiles.selfSigned(harness);
    HttpClient https = HttpClients.http11(TlsContexts.trusting(tls.certificate()));
    OriginServer origin = OriginServer.start(harness, "origin");
    OriginServer fallbackOrigin = OriginServer.start(harness, "origin-2");
    Path store = harness.workspace().directory("store");
    NginxServers nginx = startNginx(harness, tls, store, origin, fallbackOrigin);
    if (origin.api().head() != 0 || fallbackOrigin.api().head() != 0) {
      throw new BenchFailure("both origins must be empty (head 0)");
    }
    return new ServeTestbed(
        harness, tree, tls, HttpClients.http11(), https, origin, fallbackOrigin, store, nginx);
  }

  /**
   * One nginx with three servers: the store as it is over HTTP and over HTTPS, and the fallback
   * node's origin, a router sending {@code /.metamirror/*} to origin 1 and the rest to origin 2.
   */
  private static NginxServers startNginx(
      Harness harness, TlsFiles tls, Path store, OriginServer origin, OriginServer fallbackOrigin)
      throws IOException, InterruptedException {
    int httpPort = LoopbackPorts.free();
    int httpsPort = LoopbackPorts.free();
    int routerPort = LoopbackPorts.free();
    String config =
        String.join(
            "\n",
            Nginx.STATIC_FILES,
            "  gzip off;",
            "  gzip_static on;",
            "  gzip_vary on;",
            Nginx.tlsSettings(tls),
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
    String http = "http://127.0.0.1:" + httpPort;
    Nginx nginx = Nginx.start(harness, "auto", 4096, config, http + "/");
    return new NginxServers(
        nginx, http, "https://127.0.0.1:" + httpsPort, "http://127.0.0.1:" + routerPort);
  }

  private static String hostPort(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  /** Publishes files {@code from} to {@code from + count - 1}, 1,000 per request. */
  void publish(OriginApi api, int from, int count, List<byte[]> keep, String what)
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
  Path writePaths(String name, int count) throws IOException {
    Path file = harness.workspace().directory("work").resolve(name);
    Files.writeString(file, ComposerLikeFiles.urlPaths(count));
    return file;
  }

  /**
   * Starts a node and waits until its store is at origin 1's head (its health may still say 503
   * then: the figures are measured once the files are there, and a background poll reports when
   * health first says 200).
   */
  MirrorNode startNode(String name, String nodeOrigin, Path nodeStore, TlsFiles nodeTls)
      throws IOException, InterruptedException {
    return startNode(name, nodeOrigin, nodeStore, nodeTls, List.of());
  }

  /** As above, with {@code extraArgs} added to {@code mirror serve}'s options. */
  MirrorNode startNode(
      String name, String nodeOrigin, Path nodeStore, TlsFiles nodeTls, List<String> extraArgs)
      throws IOException, InterruptedException {
    HttpClient client = nodeTls == null ? http : https;
    long originHead = origin.api().head();
    MirrorNode node =
        MirrorNode.start(harness, name, nodeOrigin, nodeStore, nodeTls, client, extraArgs);
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (JsonFields.cursorSeq(nodeStore) < originHead) {
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

  void stop(MirrorNode node) throws InterruptedException {
    harness.processes().stop(node.process());
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
}
