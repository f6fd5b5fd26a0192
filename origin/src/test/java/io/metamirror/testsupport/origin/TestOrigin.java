package io.metamirror.testsupport.origin;

import io.metamirror.origin.composer.ComposerRepository;
import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.OriginRepository;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real origin for tests: a repository in a directory the test owns (a {@code @TempDir}) and its
 * HTTP server on a loopback port, port 0 unless told otherwise, taking {@link #TOKEN}.
 *
 * <p>Two ways to play an outage: {@link #stop()} and {@link #restart()} close and reopen the
 * listener on the same port over the same repository; or close this origin and {@link #start(Path,
 * int, OriginRepository.Options) start} another on its {@link #port()}, over the same data (the
 * origin came back) or other data (a new epoch behind the same address).
 */
public final class TestOrigin implements AutoCloseable {
  /** The publishing token the origin takes. */
  public static final String TOKEN = "test-token";

  private final OriginRepository repository;
  private final ComposerRepository composer;

  /** Replaced by {@link #restart()}; volatile because tests restart from other threads too. */
  private volatile OriginServer server;

  /** An origin over {@code data} (created when missing) on a free loopback port. */
  public static TestOrigin start(Path data) throws IOException {
    return start(data, 0, OriginRepository.Options.defaults());
  }

  public static TestOrigin start(Path data, int port, OriginRepository.Options options)
      throws IOException {
    OriginRepository repository = OriginRepository.open(data, options, Clock.systemUTC());
    try {
      ComposerRepository composer = ComposerRepository.open(repository);
      OriginServer server = OriginServer.start(repository, composer, config(port));
      return new TestOrigin(repository, composer, server);
    } catch (IOException | RuntimeException e) {
      repository.close();
      throw e;
    }
  }

  private TestOrigin(OriginRepository repository, ComposerRepository composer, OriginServer s) {
    this.repository = repository;
    this.composer = composer;
    this.server = s;
  }

  private static OriginServer.Config config(int port) {
    return new OriginServer.Config("127.0.0.1", port, TOKEN);
  }

  /** The port it listens on; kept across {@link #stop()} and {@link #restart()}. */
  public int port() {
    return server.port();
  }

  /** The same across {@link #restart()}: it names the port, not the server. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  /** For what only the repository can say or do (epoch, retention, checkpoints, the feed). */
  public OriginRepository repository() {
    return repository;
  }

  /** Publishes UTF-8 texts and deletes as one journal batch; returns the new head. */
  public long publish(Map<String, String> puts, List<String> deletes) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    puts.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
    return publishBatch(files, deletes);
  }

  /** Publishes the files as one journal batch; returns the new head. */
  public long publish(Map<String, byte[]> files) throws IOException {
    return publishBatch(files, List.of());
  }

  private long publishBatch(Map<String, byte[]> files, List<String> deletes) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      changes.add(Change.put(ContentPath.parse(file.getKey()), repository.stage(file.getValue())));
    }
    deletes.forEach(path -> changes.add(Change.delete(ContentPath.parse(path))));
    return repository.publish(changes).head();
  }

  public long head() {
    return repository.head();
  }

  /** The epoch as the protocol and the health document spell it. */
  public String epoch() {
    return repository.epoch().value();
  }

  /** The journal time (epoch millis) of the current version of {@code path}. */
  public long time(String path) {
    return current(path).time();
  }

  /** The hex SHA-256 of the current version of {@code path}. */
  public String sha256(String path) {
    return current(path).sha256().hex();
  }

  private TreeFile current(String path) {
    return repository
        .file(ContentPath.parse(path))
        .orElseThrow(() -> new AssertionError("origin has no " + path));
  }

  /** The Composer store the server publishes through, to read what a Composer publish did. */
  public ComposerRepository composer() {
    return composer;
  }

  /** The origin's tree now: path → bytes. */
  public Map<String, byte[]> tree() throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    for (TreeFile f : repository.snapshot().files()) {
      out.put(f.path().value(), Files.readAllBytes(repository.blobPath(f.sha256())));
    }
    return out;
  }

  /** The journal time of every path of the tree now. */
  public Map<String, Long> times() {
    Map<String, Long> out = new HashMap<>();
    for (TreeFile f : repository.snapshot().files()) {
      out.put(f.path().value(), f.time());
    }
    return out;
  }

  /** Closes the listener; the repository stays open. */
  public void stop() {
    server.close();
  }

  /** Listens again on the port it had. */
  public void restart() {
    server = OriginServer.start(repository, composer, config(port()));
  }

  @Override
  public void close() throws IOException {
    server.close();
    repository.close();
  }
}
