package io.metamirror.cli.mirror;

import io.metamirror.cli.DurationText;
import io.metamirror.cli.HangupSignal;
import io.metamirror.cli.HostPort;
import io.metamirror.cli.SystemdNotify;
import io.metamirror.cli.TokenFile;
import io.metamirror.cli.sync.ShrinkGuardOption;
import io.metamirror.cli.sync.SnapshotBehindOption;
import io.metamirror.mirror.node.CachePolicy;
import io.metamirror.mirror.node.MirrorNode;
import io.metamirror.mirror.node.MirrorNodeConfig;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsProvider;
import io.metamirror.sync.agent.SyncAgent;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code metamirror mirror serve}: one node, until SIGTERM or SIGINT (which drain). */
@Command(
    name = "serve",
    description =
        "Run one mirror node: a sync agent keeps --store equal to the origin, and a server answers"
            + " from it (HTTP/2 over TLS with --tls-cert/--tls-key, plain HTTP otherwise), falling"
            + " back to the origin on a local miss. SIGTERM or SIGINT (Ctrl-C) drains: health turns"
            + " 503 at once, the node keeps serving for --drain-grace, then closes its listener,"
            + " finishes the requests in flight (up to 30 s) and exits 0. A second SIGTERM or"
            + " SIGINT during the drain exits at once (143 or 130). SIGHUP rereads --tls-cert and"
            + " --tls-key at once (a failed reread keeps the certificate in service).")
public final class MirrorServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--origin",
      required = true,
      paramLabel = "URL",
      description = "The origin's base URL.")
  URI origin;

  @Option(
      names = "--store",
      required = true,
      paramLabel = "DIR",
      description = "The store directory (created if missing).")
  Path store;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8443",
      converter = HostPort.Converter.class,
      description = "Address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Certificate chain (fullchain.pem as ACME clients write it); reloaded when it changes.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Private key for --tls-cert (PKCS#8, PKCS#1 or SEC1 PEM).")
  Path tlsKey;

  @Option(
      names = "--tls-provider",
      paramLabel = "auto|conscrypt|jdk",
      defaultValue = "auto",
      converter = Tls.ProviderConverter.class,
      description =
          "TLS implementation: conscrypt (BoringSSL; a new handshake costs a fraction of the"
              + " JDK's CPU), jdk, or auto: conscrypt where its native library loads, jdk"
              + " otherwise; the choice is logged (event=tls_provider) (default:"
              + " ${DEFAULT-VALUE}).")
  TlsProvider tlsProvider;

  @Option(
      names = "--region",
      paramLabel = "NAME",
      defaultValue = "local",
      description = "Region name for health and metrics (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--node-id",
      paramLabel = "ID",
      description = "Node id for health and metrics (default: the host name).")
  String nodeId;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description =
          "Bearer token for POST /.metamirror/admin/drain; without it the endpoint is refused.")
  Path adminTokenFile;

  @Option(
      names = "--drain-grace",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "How long a draining node keeps serving after health turns 503; match the DNS TTL"
              + " (default: ${DEFAULT-VALUE}).")
  long drainGraceSeconds;

  @Option(
      names = "--max-lag-entries",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Health fails when the node is more than N entries behind the head for longer than --max-lag-seconds (default: ${DEFAULT-VALUE}).")
  long maxLagEntries;

  @Option(
      names = "--max-lag-seconds",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "See --max-lag-entries: how long the oldest unapplied entry may wait (default: ${DEFAULT-VALUE}).")
  double maxLagSeconds;

  @Option(
      names = "--fallback-connect-timeout",
      paramLabel = "SECONDS",
      defaultValue = "2",
      description = "Origin fallback connect timeout (default: ${DEFAULT-VALUE}).")
  double fallbackConnectTimeout;

  @Option(
      names = "--fallback-timeout",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "Bounds the whole origin request of a local miss (connecting, the headers and the"
              + " body); past it the client gets a 502 (default: ${DEFAULT-VALUE}).")
  double fallbackTimeout;

  @Option(
      names = "--negative-ttl",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "Remember an origin 404 for up to this long, so that a crowd asking for a missing path"
              + " costs the origin one request. This trades correctness right after a publish for"
              + " origin load: a remembered 404 is dropped once the node hears of a later seq (its"
              + " feed, or any origin answer) or applies the path, but until then it can hide a"
              + " file published a moment ago. 0 remembers none: every local miss asks the origin"
              + " (default: ${DEFAULT-VALUE}).")
  double negativeTtl;

  @Option(
      names = "--cache-control",
      paramLabel = "GLOB=VALUE",
      description =
          "Cache-Control by path glob, first match wins; repeatable. Defaults: packages.json, index.html and index.json 'public, max-age=60', everything else 'public, max-age=300'.")
  List<String> cacheControl;

  @Option(
      names = "--rate-limit",
      paramLabel = "PER_SECOND",
      defaultValue = "0",
      description =
          "Requests a second per client IP (bursts of twice that); beyond it, 429 with"
              + " Retry-After. 0 turns it off (default: ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(
      names = "--file-cache-mb",
      paramLabel = "MIB",
      defaultValue = "64",
      description =
          "Memory for small files (up to 64 KiB) kept with their headers ready, so a repeated hit"
              + " reads nothing from disk; least recently used go first. 0 turns it off (default:"
              + " ${DEFAULT-VALUE}).")
  long fileCacheMb;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Threads that accept, read and answer requests. 0 means two per CPU, at least 8: more"
              + " threads than CPUs keep the tail latency down when the CPUs are busy (default:"
              + " ${DEFAULT-VALUE}).")
  int ioThreads;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "Concurrent blob downloads while following the origin; a bootstrap writes with at most"
              + " one batch per CPU (at least 2) and never more than this (default:"
              + " ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--scrub-period",
      paramLabel = "DURATION",
      defaultValue = "24h",
      converter = DurationText.Converter.class,
      description =
          "Re-hash the whole store once per this period in the background (30m, 24h, 7d), paced"
              + " from the store's size: at least 64 KiB/s, at most 32 MiB/s. A damaged file is"
              + " never served and is re-fetched in place. 0 or off turns the scrub off (default:"
              + " ${DEFAULT-VALUE}).")
  Duration scrubPeriod;

  @Mixin ShrinkGuardOption shrinkGuard;

  @Mixin SnapshotBehindOption snapshotBehind;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    List<CachePolicy.Rule> rules = new ArrayList<>();
    try {
      if (cacheControl != null) {
        for (String r : cacheControl) {
          rules.add(CachePolicy.parseRule(r));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--cache-control: " + e.getMessage());
    }
    rules.addAll(CachePolicy.DEFAULT_RULES);
    if (fileCacheMb < 0) {
      throw new ParameterException(spec.commandLine(), "--file-cache-mb < 0: " + fileCacheMb);
    }
    if (drainGraceSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--drain-grace < 0: " + drainGraceSeconds);
    }
    if (shrinkGuard.percent() < 0 || shrinkGuard.percent() > 100) {
      throw new ParameterException(
          spec.commandLine(), "--max-shrink not in 0..100: " + shrinkGuard.percent());
    }
    if (ioThreads < 0) {
      throw new ParameterException(spec.commandLine(), "--io-threads < 0: " + ioThreads);
    }
    String node = nodeId != null ? nodeId : java.net.InetAddress.getLocalHost().getHostName();
    ReloadingKeyManager keys = tlsCert != null ? Tls.serverKeys(tlsCert, tlsKey) : null;
    MirrorNodeConfig.Listener listener =
        keys != null
            ? Tls.listener(listen.host(), listen.port(), keys, tlsProvider)
            : MirrorNodeConfig.Listener.plain(listen.host(), listen.port());
    MirrorNodeConfig config =
        new MirrorNodeConfig(
            origin,
            store,
            listener,
            region,
            node,
            new MirrorNodeConfig.DrainSettings(
                Duration.ofSeconds(drainGraceSeconds),
                adminTokenFile == null
                    ? null
                    : TokenFile.read(adminTokenFile, "--admin-token-file")),
            new MirrorNodeConfig.LagThresholds(maxLagEntries, maxLagSeconds),
            new MirrorNodeConfig.FallbackSettings(
                seconds(fallbackConnectTimeout),
                seconds(fallbackTimeout),
                seconds(negativeTtl),
                MirrorNodeConfig.FallbackSettings.CIRCUIT_OPEN_FOR),
            new MirrorNodeConfig.Serving(
                new CachePolicy(rules), fileCacheMb << 20, rateLimit, ioThreads),
            scrubPeriod,
            SyncAgent.Config.defaults(origin)
                .withParallel(parallel)
                .withMaxShrinkPercent(shrinkGuard.percent())
                .withSnapshotBehindPercent(
                    snapshotBehind.percent(m -> new ParameterException(spec.commandLine(), m))));
    MirrorNode mirror = MirrorNode.start(config);
    // The hook is the last resort (signals the JVM would not hand over): it drains, but the JVM
    // then exits 128 + the signal's number.
    Runtime.getRuntime().addShutdownHook(new Thread(mirror::drain, "metamirror-shutdown"));
    StopSignals.install(mirror::drain);
    HangupSignal.onHangup(() -> Tls.reload(keys));
    out.printf(
        "mirror %s/%s serving %s from %s (origin %s)%n", region, node, mirror.uri(), store, origin);
    out.flush();
    SystemdNotify.ready(System.getenv(), "serving " + mirror.uri());
    mirror.awaitStopped();
    return 0;
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
