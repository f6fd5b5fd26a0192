package io.metamirror.cli;

import io.metamirror.cli.origin.OriginServeCommand;
import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.publishdir.DirectoryPlan;
import io.metamirror.origin.publishdir.OfflinePublisher;
import io.metamirror.origin.repository.OriginRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metamirror demo}: an origin on localhost serving a generated sample repository, with the
 * commands to look at it. (The mirror-node issue grows this into origin + three mirrors.)
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start an origin on localhost serving a generated Composer-shaped sample repository and print curl commands to explore it. Runs until Ctrl-C; data stays in --dir.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "metamirror-demo",
      description = "Where the demo keeps its data (default: ./${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      converter = HostPort.Converter.class,
      description = "Address of the origin; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path sample = dir.resolve("sample");
    Path data = dir.resolve("origin");
    SampleRepository.write(sample);
    OriginRepository repository =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    OriginServer server;
    Path tokenFile = data.resolve("api-token");
    try {
      DirectoryPlan plan =
          DirectoryPlan.of(
              sample, OfflinePublisher.currentTree(repository), DirectoryPlan.DEFAULT_INDEX_GLOBS);
      if (!plan.isEmpty()) {
        OfflinePublisher.publish(repository, plan);
      }
      String token = TokenFile.readOrCreate(tokenFile);
      server =
          OriginServer.start(
              repository, new OriginServer.Config(listen.host(), listen.port(), token));
    } catch (Exception e) {
      repository.close();
      throw e;
    }
    String url = server.uri().toString();
    String t = tokenFile.toAbsolutePath().toString();
    out.printf(
        """
        metamirror demo: origin at %1$s serving the sample repository in %2$s
          data directory %3$s  (epoch %4$s, head %5$d, %6$d files)

        Look at it:
          curl -s %1$spackages.json
          curl -s %1$sp2/acme/widget.json
          curl -si %1$spackages.json -H 'If-None-Match: "%7$s"'     # 304: ETag is the sha256
          curl -s '%1$s.metamirror/feed?since=0'                  # the journal, as mirrors read it
          curl -s %1$s.metamirror/health
          curl -s %1$s.metamirror/metrics

        Watch a publish arrive (run the first line in another terminal; it waits up to 60 s):
          curl -s '%1$s.metamirror/feed?since=%5$d&wait=60'
          curl -s -X PUT -H "Authorization: Bearer $(cat %8$s)" --data-binary 'hello' %1$s.metamirror/api/files/hello.txt

        Publish a whole directory (only changes are sent):
          ./metamirror publish --origin %1$s --token-file %8$s %2$s

        Ctrl-C stops the demo.
        """,
        url,
        sample.toAbsolutePath(),
        data.toAbsolutePath(),
        repository.epoch(),
        repository.head(),
        repository.fileCount(),
        repository
            .file(io.metamirror.protocol.ContentPath.parse("packages.json"))
            .map(f -> f.sha256().hex())
            .orElse(""),
        t);
    out.flush();
    OriginServeCommand.awaitShutdown(server, repository);
    return 0;
  }
}
