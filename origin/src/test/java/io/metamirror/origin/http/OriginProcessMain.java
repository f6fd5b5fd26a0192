package io.metamirror.origin.http;

import io.metamirror.origin.repository.OriginRepository;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Runs an origin in a child JVM for tests that kill it: {@code OriginProcessMain DATA TOKEN}.
 * Prints {@code port=N} once it listens, then serves until killed.
 */
public final class OriginProcessMain {
  private OriginProcessMain() {}

  public static void main(String[] args) throws Exception {
    OriginRepository repository =
        OriginRepository.open(
            Path.of(args[0]), OriginRepository.Options.defaults(), Clock.systemUTC());
    OriginServer server =
        OriginServer.start(repository, new OriginServer.Config("127.0.0.1", 0, args[1]));
    System.out.println("port=" + server.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
