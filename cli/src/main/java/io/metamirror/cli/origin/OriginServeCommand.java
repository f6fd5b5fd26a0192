package io.metamirror.cli.origin;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.HostPort;
import io.metamirror.cli.ShutdownHook;
import io.metamirror.cli.SystemdNotify;
import io.metamirror.cli.TokenFile;
import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.repository.OriginRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror origin serve}: the origin's HTTP server, until SIGINT or SIGTERM. */
@Command(
    name = "serve",
    description =
        "Serve the origin: files, the long-poll feed, blobs and snapshots for mirrors, and the publishing API (bearer token). Runs until interrupted; a clean stop writes a checkpoint.")
public final class OriginServeCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;

  @Mixin OriginOptions origin;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      converter = HostPort.Converter.class,
      description = "Address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the bearer token for the publishing API; created with a random token"
              + " (mode 0600) if missing (default: DIR/api-token).")
  Path tokenFile;

  @Option(
      names = "--worker-threads",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "Threads for blocking work such as bodies and snapshots (default: ${DEFAULT-VALUE}).")
  int workerThreads;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = cli.out();
    OriginRepository repository =
        OriginRepository.open(origin.data, origin.repositoryOptions(), Clock.systemUTC());
    OriginServer server;
    Path tokenPath = tokenFile != null ? tokenFile : origin.data.resolve("api-token");
    try {
      String token = TokenFile.readOrCreate(tokenPath);
      server =
          OriginServer.start(
              repository,
              new OriginServer.Config(listen.host(), listen.port(), token, workerThreads));
    } catch (Exception e) {
      repository.close();
      throw e;
    }
    out.printf(
        "origin serving %s (data %s, epoch %s, head %d, %d files; token in %s)%n",
        server.uri(),
        origin.data,
        repository.epoch(),
        repository.head(),
        repository.fileCount(),
        tokenPath);
    out.flush();
    SystemdNotify.ready(System.getenv(), "serving " + server.uri());
    // A clean stop closes the repository, which writes a checkpoint.
    ShutdownHook.register(server::close, "data directory", repository).await();
    return 0;
  }
}
