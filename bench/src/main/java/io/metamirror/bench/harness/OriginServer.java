package io.metamirror.bench.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code metamirror origin serve} started for one run: a fresh data directory, a new token, a
 * free loopback port. {@code ORIGIN_JAVA_OPTS} adds JVM options (a JFR recording, a heap size).
 */
public record OriginServer(String url, String token, Path data, Process process) {
  public static OriginServer start(Harness harness, String name)
      throws IOException, InterruptedException {
    return start(harness, name, harness.workspace().directory(name + "-data"));
  }

  /**
   * Starts an origin on {@code data} as it is (a tree {@code origin publish-dir} published), with a
   * new token, and waits until its health answers: the time this takes is the origin's start-up.
   */
  public static OriginServer start(Harness harness, String name, Path data)
      throws IOException, InterruptedException {
    Workspace workspace = harness.workspace();
    return launch(harness, name, data, workspace.token(name + ".token"), LoopbackPorts.free());
  }

  /**
   * Starts this origin again, on its data directory, port and token, once its process has ended
   * (the chaos run kills it with SIGKILL): the same URL and token work as before.
   */
  public OriginServer restart(Harness harness, String name)
      throws IOException, InterruptedException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running: pid " + process.pid());
    }
    return launch(
        harness, name, data, harness.workspace().file(name + ".token"), URI.create(url).getPort());
  }

  private static OriginServer launch(
      Harness harness, String name, Path data, Path tokenFile, int port)
      throws IOException, InterruptedException {
    Process process =
        harness
            .processes()
            .start(
                harness.metamirror(
                    "origin",
                    "serve",
                    "--data",
                    data.toString(),
                    "--listen",
                    "127.0.0.1:" + port,
                    "--token-file",
                    tokenFile.toString()),
                Harness.javaOptions("ORIGIN_JAVA_OPTS"),
                harness.workspace().file(name + ".log"));
    String url = "http://127.0.0.1:" + port;
    HttpClients.awaitAnswer(HttpClients.http11(), url + "/.metamirror/health", process, name);
    System.err.printf("[bench] %s pid %d on %s, data in %s%n", name, process.pid(), url, data);
    return new OriginServer(url, Files.readString(tokenFile).trim(), data, process);
  }

  /** A client of this origin's HTTP API. */
  public OriginApi api() {
    return new OriginApi(url, token);
  }
}
