package io.metamirror.mirror.node;

import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentPath;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real origin (repository + HTTP server on a loopback port) for mirror tests. It can be stopped
 * and started again on the same port, with the same repository, to play an origin outage.
 */
final class TestOrigin implements AutoCloseable {
  private final OriginRepository repository;
  private volatile OriginServer server;
  private final int port;

  private TestOrigin(OriginRepository repository, OriginServer server) {
    this.repository = repository;
    this.server = server;
    this.port = server.port();
  }

  static TestOrigin start(Path data) throws IOException {
    OriginRepository repository =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    return new TestOrigin(repository, OriginServer.start(repository, config(0)));
  }

  private static OriginServer.Config config(int port) {
    return new OriginServer.Config("127.0.0.1", port, "test-token");
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Publishes the files as one journal batch; returns the new head. */
  long publish(Map<String, byte[]> files) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      changes.add(Change.put(ContentPath.parse(e.getKey()), repository.stage(e.getValue())));
    }
    PublishResult result = repository.publish(changes);
    return result.head();
  }

  long head() {
    return repository.head();
  }

  String epoch() {
    return repository.epoch().value();
  }

  /** The journal time (epoch millis) of the current version of {@code path}. */
  long time(String path) {
    TreeFile f =
        repository
            .file(ContentPath.parse(path))
            .orElseThrow(() -> new AssertionError("origin has no " + path));
    return f.time();
  }

  String sha256(String path) {
    return repository.file(ContentPath.parse(path)).orElseThrow().sha256().hex();
  }

  /** Closes the listener; the repository stays open. */
  void stop() {
    server.close();
  }

  /** Listens again on the port it had. */
  void restart() {
    server = OriginServer.start(repository, config(port));
  }

  @Override
  public void close() throws IOException {
    server.close();
    repository.close();
  }
}
