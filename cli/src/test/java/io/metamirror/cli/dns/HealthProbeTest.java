package io.metamirror.cli.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.dns.fleet.HealthCheckSettings;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.mirror.node.MirrorNode;
import io.metamirror.mirror.node.MirrorNodeConfig;
import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.mirror.tls.TlsContexts;
import io.metamirror.origin.http.OriginServer;
import io.metamirror.origin.repository.OriginRepository;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DNS manager's own view of node health, against real mirror nodes over HTTPS. */
class HealthProbeTest {
  @TempDir Path tmp;

  @Test
  void theProbeTellsAHealthyNodeFromADrainingOneAndAnUnreachableOne() throws Exception {
    LocalCa ca = LocalCa.create(tmp.resolve("tls"));
    LocalCa.Issued cert =
        ca.issue(tmp.resolve("tls"), "node", List.of("localhost"), List.of("127.0.0.1"));
    SSLContext tls =
        TlsContexts.serverContext(ReloadingKeyManager.open(cert.chainFile(), cert.keyFile()));
    try (OriginRepository repo =
            OriginRepository.open(
                tmp.resolve("origin"), OriginRepository.Options.defaults(), Clock.systemUTC());
        OriginServer origin =
            OriginServer.start(repo, new OriginServer.Config("127.0.0.1", 0, "t"))) {
      MirrorNode healthy = start(origin, tls, "a");
      MirrorNode draining = start(origin, tls, "b");
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      try {
        awaitSynced(healthy);
        awaitSynced(draining);
        Thread drain = new Thread(draining::drain);
        drain.setDaemon(true);
        drain.start();
        for (int i = 0; i < 200 && !draining.draining(); i++) {
          Thread.sleep(10);
        }
        HealthProbe probe = new HealthProbe(Duration.ofSeconds(2));
        assertEquals(
            HealthProbe.Status.OK, probe.probe(node("a"), settings(healthy.port())).status());
        assertEquals(
            HealthProbe.Status.DRAINING,
            probe.probe(node("b"), settings(draining.port())).status());
        assertEquals(
            HealthProbe.Status.UNREACHABLE, probe.probe(node("c"), settings(closedPort)).status());
      } finally {
        healthy.close();
        draining.close();
      }
    }
  }

  private MirrorNode start(OriginServer origin, SSLContext tls, String id) throws Exception {
    return MirrorNode.start(
        MirrorNodeConfig.defaults(origin.uri(), tmp.resolve("store-" + id))
            .withListener(MirrorNodeConfig.Listener.tls("127.0.0.1", 0, tls))
            .withIdentity("eu-west-1", id)
            .withDrainGrace(Duration.ofSeconds(60)));
  }

  private static void awaitSynced(MirrorNode node) throws InterruptedException {
    for (int i = 0; i < 500 && node.syncStatus().epoch() == null; i++) {
      Thread.sleep(10);
    }
  }

  private static Node node(String id) {
    return new Node(id, "eu-west-1", "127.0.0.1", null);
  }

  private static HealthCheckSettings settings(int port) {
    return new HealthCheckSettings("HTTPS", HealthCheckSettings.DEFAULT_PATH, port, 30, 3);
  }
}
