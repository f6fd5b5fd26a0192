package io.metamirror.bench.harness;

import io.metamirror.protocol.health.HealthDocument;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code metamirror mirror serve} started for a run, through the launcher (so with the JVM
 * defaults a user's node gets; {@code MIRROR_JAVA_OPTS} comes after them), on a free loopback port,
 * plain HTTP or HTTPS. {@code startedAt} is when the process was started.
 */
public record MirrorNode(
    String name, String url, Path store, Process process, Stopwatch startedAt) {
  /** A certificate and key in PEM, the node's and the reference server's alike. */
  public record TlsFiles(Path certificate, Path key) {
    /** A self-signed P-256 certificate for 127.0.0.1, served by the node and nginx alike. */
    public static TlsFiles selfSigned(Harness harness) throws IOException, InterruptedException {
      Path dir = harness.workspace().directory("tls");
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
  }

  /**
   * Starts a node following {@code originUrl} into {@code store} and waits until it answers its
   * health as node {@code name} (which may still say 503 while it syncs; callers wait for what they
   * need). {@code tls} null serves plain HTTP; {@code client} must trust the certificate otherwise.
   */
  public static MirrorNode start(
      Harness harness, String name, String originUrl, Path store, TlsFiles tls, HttpClient client)
      throws IOException, InterruptedException {
    return start(harness, name, originUrl, store, tls, client, List.of());
  }

  /** As above, with {@code extraArgs} added to {@code mirror serve}'s options. */
  public static MirrorNode start(
      Harness harness,
      String name,
      String originUrl,
      Path store,
      TlsFiles tls,
      HttpClient client,
      List<String> extraArgs)
      throws IOException, InterruptedException {
    int port = LoopbackPorts.free();
    List<String> args =
        new ArrayList<>(
            List.of(
                "mirror",
                "serve",
                "--origin",
                originUrl,
                "--store",
                store.toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--node-id",
                name,
                // a stopped node exits at once: nothing is served while the run stops it
                "--drain-grace",
                "0"));
    if (tls != null) {
      args.addAll(
          List.of("--tls-cert", tls.certificate().toString(), "--tls-key", tls.key().toString()));
    }
    args.addAll(extraArgs);
    Stopwatch startedAt = Stopwatch.start();
    Process process =
        harness
            .processes()
            .start(
                harness.metamirror(args.toArray(String[]::new)),
                Harness.javaOptions("MIRROR_JAVA_OPTS"),
                harness.workspace().file(name + ".log"));
    String url = (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    awaitOwnHealth(client, url, process, name);
    return new MirrorNode(name, url, store, process, startedAt);
  }

  /**
   * Waits until the port answers with this node's health document. Any answer is not enough: the
   * port was free when picked, and another process on the machine (a test server on port 0) may
   * hold it for a moment before the node binds it (seen once in a chaos run: 404s from a stranger).
   */
  private static void awaitOwnHealth(HttpClient client, String url, Process process, String name)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(url + "/.metamirror/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (true) {
      HttpClients.awaitAnswer(client, probe.uri().toString(), process, name);
      try {
        byte[] body = client.send(probe, HttpResponse.BodyHandlers.ofByteArray()).body();
        if (name.equals(HealthDocument.read(body).node())) {
          return;
        }
      } catch (IOException e) {
        // not ours, or gone again: look again
      }
      if (System.nanoTime() > deadline) {
        throw new BenchFailure(name + " did not answer its own health at " + url);
      }
      Thread.sleep(100);
    }
  }

  /** The end of the node's log, for an error message. */
  public String logTail(Harness harness) {
    return ChildProcesses.lastLines(harness.workspace().file(name + ".log"), 5, " | ");
  }
}
