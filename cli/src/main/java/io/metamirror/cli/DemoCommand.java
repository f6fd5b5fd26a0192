package io.metamirror.cli;

import io.metamirror.mirror.node.MirrorNode;
import io.metamirror.mirror.node.MirrorNodeConfig;
import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.origin.composer.ComposerRepository;
import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.health.HealthDocument;
import io.metamirror.sync.agent.SyncStatus;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metamirror demo}: an origin and three mirror nodes on loopback, named after real regions,
 * serving a generated sample repository over HTTPS with a local CA; a live table per node.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start an origin and three mirror nodes (us-east-1, eu-west-1, ap-south-1) on this"
            + " machine, with a local CA and node certificates, publish a sample Composer-shaped"
            + " repository, print each node's URL, the CA path and ready-to-paste curl, composer"
            + " and publish lines (absolute paths; they work in a fresh shell, in order), then"
            + " show a live table per node. The log goes to DIR/demo.log. Ctrl-C stops"
            + " everything; data stays in --dir.")
public final class DemoCommand implements Callable<Integer> {
  static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-south-1");

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "metamirror-demo",
      description = "Where the demo keeps its data (default: ./${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--origin-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description =
          "The origin's port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int originPort;

  @Option(
      names = "--mirror-ports",
      paramLabel = "PORT,PORT,PORT",
      split = ",",
      defaultValue = "8443,8444,8445",
      description =
          "The three mirrors' HTTPS ports; 0 picks free ones (default: ${DEFAULT-VALUE}).")
  List<Integer> mirrorPorts;

  @Option(
      names = "--no-table",
      description = "Do not draw the live table (it is redrawn only on a terminal anyway).")
  boolean noTable;

  @Override
  public Integer call() throws Exception {
    if (mirrorPorts.size() != REGIONS.size()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--mirror-ports needs " + REGIONS.size() + " ports");
    }
    PrintWriter out = spec.commandLine().getOut();
    // Picocli opens its error writer on first use: open it now, on the real stderr, so that a
    // failure is still reported there once the log goes to the file.
    spec.commandLine().getErr();
    Path home = dir.toAbsolutePath().normalize();
    Files.createDirectories(home);
    Path log = home.resolve("demo.log");
    // The nodes' log lines would scroll the live table away. slf4j-simple looks System.err up on
    // every write, so from here on they go to the file.
    System.setErr(
        new PrintStream(
            Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            true,
            StandardCharsets.UTF_8));
    Path data = home.resolve("origin");

    LocalCa ca = LocalCa.create(home.resolve("tls"));
    LocalCa.Issued cert =
        ca.issue(home.resolve("tls"), "node", List.of("localhost"), List.of("127.0.0.1", "::1"));
    ReloadingKeyManager tls = ReloadingKeyManager.open(cert.chainFile(), cert.keyFile());

    OriginRepository repository =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    List<AutoCloseable> running = new ArrayList<>();
    List<MirrorNode> mirrors = new ArrayList<>();
    OriginServer origin;
    Path tokenFile = data.resolve("api-token");
    try {
      ComposerRepository composer = ComposerRepository.open(repository);
      composer.publish(SampleRepository.versions());
      String token = TokenFile.readOrCreate(tokenFile);
      origin =
          OriginServer.start(
              repository, composer, new OriginServer.Config("127.0.0.1", originPort, token));
      running.add(origin);
      for (int i = 0; i < REGIONS.size(); i++) {
        String region = REGIONS.get(i);
        MirrorNode node =
            MirrorNode.start(
                MirrorNodeConfig.defaults(origin.uri(), home.resolve("mirrors").resolve(region))
                    .withListener(
                        MirrorNodeConfig.Listener.reloading("127.0.0.1", mirrorPorts.get(i), tls))
                    .withIdentity(region, region.substring(0, 2) + "1")
                    .withDrainGrace(Duration.ZERO));
        mirrors.add(node);
        running.add(0, node);
      }
    } catch (Exception e) {
      for (AutoCloseable c : running) {
        c.close();
      }
      repository.close();
      throw e;
    }
    awaitBootstrap(mirrors);

    out.print(
        DemoBanner.text(
            home,
            log,
            origin.uri(),
            tokenFile,
            ca.certificateFile(),
            mirrorUris(mirrors),
            DemoBanner.launcher(System.getenv())));
    out.flush();

    boolean terminal = System.console() != null && !noTable;
    OriginServer originServer = origin;
    CountDownLatch stopped =
        ShutdownHook.register(
            () -> {
              if (terminal) {
                // Below the table, which the cursor sits on top of.
                out.print("\u001b[" + (mirrors.size() + 2) + "B\n");
                out.flush();
              }
              mirrors.forEach(MirrorNode::close);
              originServer.close();
            },
            "origin",
            repository);
    while (stopped.getCount() > 0) {
      if (terminal) {
        out.print(table(mirrors, repository.head()));
        out.flush();
      }
      stopped.await(1, java.util.concurrent.TimeUnit.SECONDS);
    }
    return 0;
  }

  private static Map<String, URI> mirrorUris(List<MirrorNode> mirrors) {
    Map<String, URI> uris = new LinkedHashMap<>();
    for (int i = 0; i < mirrors.size(); i++) {
      uris.put(REGIONS.get(i), mirrors.get(i).uri());
    }
    return uris;
  }

  private static void awaitBootstrap(List<MirrorNode> mirrors) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (mirrors.stream().allMatch(m -> m.syncStatus().epoch() != null)) {
        return;
      }
      Thread.sleep(50);
    }
  }

  /** The live table, redrawn in place: one line per node. */
  static String table(List<MirrorNode> mirrors, long head) {
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            "%n%-11s %6s %5s %9s %7s %9s  %-9s%n",
            "node", "seq", "lag", "requests", "local", "fallbacks", "health"));
    for (MirrorNode m : mirrors) {
      SyncStatus s = m.syncStatus();
      long[] totals = m.requestTotals();
      HealthDocument health = m.health();
      t.append(
          String.format(
              "%-11s %6d %5d %9d %7d %9d  %-9s%n",
              health.region(),
              s.appliedSeq(),
              Math.max(0, head - s.appliedSeq()),
              totals[0],
              totals[1],
              totals[2],
              health.status()));
    }
    // Move the cursor back up so the next draw overwrites this one.
    t.append("\u001b[").append(mirrors.size() + 2).append('A');
    return t.toString();
  }
}
