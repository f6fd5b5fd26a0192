package io.metamirror.sync.agent;

import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentPath;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real origin (repository + HTTP server on a loopback port) for sync tests. */
final class TestOrigin implements AutoCloseable {
  final Path data;
  final OriginRepository repository;
  final OriginServer server;

  private TestOrigin(Path data, OriginRepository repository, OriginServer server) {
    this.data = data;
    this.repository = repository;
    this.server = server;
  }

  static TestOrigin start(Path data) throws IOException {
    return start(data, 0, OriginRepository.Options.defaults());
  }

  static TestOrigin start(Path data, int port, OriginRepository.Options options)
      throws IOException {
    OriginRepository repository = OriginRepository.open(data, options, Clock.systemUTC());
    OriginServer server =
        OriginServer.start(repository, new OriginServer.Config("127.0.0.1", port, "test-token"));
    return new TestOrigin(data, repository, server);
  }

  URI uri() {
    return server.uri();
  }

  PublishResult publish(Map<String, String> puts, List<String> deletes) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, String> e : puts.entrySet()) {
      changes.add(
          Change.put(
              ContentPath.parse(e.getKey()),
              repository.stage(e.getValue().getBytes(StandardCharsets.UTF_8))));
    }
    for (String d : deletes) {
      changes.add(Change.delete(ContentPath.parse(d)));
    }
    return repository.publish(changes);
  }

  /** The origin's tree now: path → bytes. */
  Map<String, byte[]> tree() throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    for (TreeFile f : repository.snapshot().files()) {
      out.put(f.path().value(), Files.readAllBytes(repository.blobPath(f.sha256())));
    }
    return out;
  }

  Map<String, Long> times() {
    Map<String, Long> out = new HashMap<>();
    for (TreeFile f : repository.snapshot().files()) {
      out.put(f.path().value(), f.time());
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    server.close();
    repository.close();
  }
}
