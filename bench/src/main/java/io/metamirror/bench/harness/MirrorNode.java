package io.metamirror.bench.harness;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
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
  public record TlsFiles(Path certificate, Path key) {}

  /**
   * Starts a node following {@code originUrl} into {@code store} and waits until it answers HTTP
   * (its health may still say 503 while it syncs; callers wait for what they need). {@code tls}
   * null serves plain HTTP; {@code client} must trust the certificate otherwise.
   */
  public static MirrorNode start(
      Harness harness, String name, String originUrl, Path store, TlsFiles tls, HttpClient client)
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
    Stopwatch startedAt = Stopwatch.start();
    Process process =
        harness
            .processes()
            .start(
                harness.metamirror(args.toArray(String[]::new)),
                Harness.javaOptions("MIRROR_JAVA_OPTS"),
                harness.workspace().file(name + ".log"));
    String url = (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    HttpClients.awaitAnswer(client, url + "/.metamirror/health", process, name);
    return new MirrorNode(name, url, store, process, startedAt);
  }

  /** The end of the node's log, for an error message. */
  public String logTail(Harness harness) {
    return ChildProcesses.lastLines(harness.workspace().file(name + ".log"), 5, " | ");
  }
}
