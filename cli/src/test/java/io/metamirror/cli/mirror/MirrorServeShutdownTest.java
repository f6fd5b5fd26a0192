package io.metamirror.cli.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.cli.Main;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import io.metamirror.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metamirror mirror serve} as a real process, stopped the way a service manager or a user
 * stops it: SIGTERM drains and exits 0; a second signal during the drain exits at once.
 */
class MirrorServeShutdownTest {
  private static final String FILE = "p2/acme/widget.json";

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void sigtermTurnsHealthTo503ServesOnThroughTheGraceAndExitsZero() throws Exception {
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      origin.publish(Map.of(FILE, "{\"packages\":{}}"), List.of());
      Node node = Node.start(origin, dir.resolve("store"), 3);
      try {
        node.awaitServingFromTheStore(http);
        Polling.await(
            "health 200 before the signal", () -> status(node.uri.resolve(HEALTH)) == 200);

        node.process.destroy(); // SIGTERM

        awaitDraining(node);
        HttpResponse<String> during = get(node.uri.resolve(FILE));
        assertEquals(200, during.statusCode(), "an ordinary GET during the grace");
        assertEquals(
            "local",
            during.headers().firstValue("X-Metamirror-Source").orElse(""),
            "answered from the store");
        assertTrue(
            node.process.waitFor(3 + 40, TimeUnit.SECONDS),
            "the node exits after the grace and the in-flight requests");
        assertEquals(0, node.process.exitValue(), "a drained node exits 0");
      } finally {
        node.process.destroyForcibly();
      }
    }
  }

  @Test
  void aSecondSigtermDuringTheDrainExitsAtOnce() throws Exception {
    try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"))) {
      origin.publish(Map.of(FILE, "{\"packages\":{}}"), List.of());
      Node node = Node.start(origin, dir.resolve("store"), 30);
      try {
        node.awaitServingFromTheStore(http);
        Polling.await(
            "health 200 before the signal", () -> status(node.uri.resolve(HEALTH)) == 200);

        node.kill("TERM");
        // Draining, not just 503: the first signal has been handled, so the second cannot merge
        // with it while both are pending (the kernel keeps one pending SIGTERM, not two).
        awaitDraining(node);
        node.kill("TERM");

        assertTrue(
            node.process.waitFor(10, TimeUnit.SECONDS),
            "the second signal ends the process well before the 30 s grace");
        assertEquals(143, node.process.exitValue(), "128 + SIGTERM, as a shell reports it");
      } finally {
        node.process.destroyForcibly();
      }
    }
  }

  private static final String HEALTH = ".metamirror/health";

  /** Health 503 because the node is draining (a node still bootstrapping is 503 too). */
  private void awaitDraining(Node node) throws Exception {
    Polling.await(
        "health to report draining",
        () -> {
          HttpResponse<String> health = get(node.uri.resolve(HEALTH));
          return health.statusCode() == 503 && health.body().contains("\"draining\":true");
        });
  }

  private int status(URI uri) {
    try {
      return get(uri).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A {@code mirror serve} process and the URL it printed. */
  private record Node(Process process, URI uri) {
    static Node start(TestOrigin origin, Path store, int graceSeconds) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process p =
          new ProcessBuilder(
                  java,
                  "-cp",
                  classpath,
                  Main.class.getName(),
                  "mirror",
                  "serve",
                  "--origin",
                  origin.uri().toString(),
                  "--store",
                  store.toString(),
                  "--listen",
                  "127.0.0.1:0",
                  "--node-id",
                  "n1",
                  "--drain-grace",
                  Integer.toString(graceSeconds))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      return new Node(p, ServingLine.read(p));
    }

    void awaitServingFromTheStore(HttpClient http) throws Exception {
      Polling.await(
          "the node to serve " + FILE + " from its store",
          () -> {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(uri.resolve(FILE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200
                && r.headers().firstValue("X-Metamirror-Source").orElse("").equals("local");
          });
    }

    void kill(String signal) throws Exception {
      ChildJvm.signal(process, signal);
    }
  }
}
