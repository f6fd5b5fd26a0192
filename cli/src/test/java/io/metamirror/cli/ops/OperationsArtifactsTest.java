package io.metamirror.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.cli.Run;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.testing.MotoServer;
import io.metamirror.mirror.node.MirrorNode;
import io.metamirror.mirror.node.MirrorNodeConfig;
import io.metamirror.mirror.tls.LocalCa;
import io.metamirror.mirror.tls.ReloadingKeyManager;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.poll.Polling;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The operator's artifacts under {@code ops/}: the Grafana dashboard and the Prometheus alert rules
 * name only metrics that a live origin, a live TLS node and a live {@code dns watch} really export,
 * and the rules pass {@code promtool check rules} and their own unit tests ({@code promtool test
 * rules ops/prometheus/alerts_test.yml}).
 */
class OperationsArtifactsTest {
  /** Tests run in the module's directory; {@code ops/} is at the repository root. */
  static final Path OPS = Path.of("..", "ops");

  static final Path DASHBOARD = OPS.resolve("grafana/metamirror.json");
  static final Path ALERTS = OPS.resolve("prometheus/alerts.yml");
  static final Path ALERT_TESTS = OPS.resolve("prometheus/alerts_test.yml");

  /** Series Prometheus itself makes for every target. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Pattern METRIC = Pattern.compile("\\b(metamirror_[a-z0-9_]+|up)\\b");

  @TempDir Path temp;

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
    String check = promtool("check", "rules", ALERTS.toString());
    assertTrue(check.contains("SUCCESS"), check);
    String tests = promtool("test", "rules", ALERT_TESTS.toString());
    assertTrue(tests.contains("SUCCESS"), tests);
  }

  @Test
  void everyMetricTheDashboardAndTheAlertsNameIsExportedByALiveServer() throws Exception {
    Set<String> named = new TreeSet<>();
    named.addAll(metricsIn(dashboardQueries()));
    named.addAll(metricsIn(List.of(Files.readString(ALERTS))));
    assertTrue(named.size() >= 25, "the dashboard and alerts name few metrics: " + named);

    Set<String> exported = new TreeSet<>(PROMETHEUS_OWN);
    try (TestOrigin origin = TestOrigin.start(temp.resolve("origin"))) {
      origin.publish(Map.of("packages.json", "{\"packages\":[]}"), List.of());
      LocalCa ca = LocalCa.create(temp.resolve("tls"));
      LocalCa.Issued cert =
          ca.issue(temp.resolve("tls"), "node", List.of("localhost"), List.of("127.0.0.1"));
      MirrorNode node =
          MirrorNode.start(
              MirrorNodeConfig.defaults(origin.uri(), temp.resolve("store"))
                  .withTls(ReloadingKeyManager.open(cert.chainFile(), cert.keyFile()))
                  .withDrainGrace(Duration.ZERO));
      try {
        HttpClient https = HttpClient.newBuilder().sslContext(trusting(ca)).build();
        Polling.await("node caught up", () -> node.syncStatus().appliedSeq() == origin.head());
        // One answer from the store, one through the origin: both sources have series.
        assertEquals(200, get(https, node.uri().resolve("/packages.json")).statusCode());
        assertEquals(404, get(https, node.uri().resolve("/p2/none/such.json")).statusCode());
        String nodeMetrics = get(https, node.uri().resolve("/.metamirror/metrics")).body();
        exported.addAll(sampleNames(nodeMetrics));
        // The gauges the alerts read say what the node's health says.
        assertTrue(nodeMetrics.contains("\nmetamirror_node_healthy 1.0\n"), nodeMetrics);
        assertTrue(nodeMetrics.contains("metamirror_sync_state{state=\"following\"} 1.0"));
        assertTrue(nodeMetrics.contains("metamirror_sync_state{state=\"stalled\"} 0.0"));
        assertTrue(nodeMetrics.contains("\nmetamirror_sync_failing 0.0\n"), nodeMetrics);
        long notAfter = cert.certificate().getNotAfter().getTime() / 1000;
        assertTrue(
            nodeMetrics.contains(
                "metamirror_tls_certificate_expiry_timestamp_seconds " + (double) notAfter),
            nodeMetrics);
        exported.addAll(
            sampleNames(
                get(HttpClient.newHttpClient(), origin.uri().resolve("/.metamirror/metrics"))
                    .body()));
        exported.addAll(sampleNames(dnsWatchMetrics(node.port())));
      } finally {
        node.close();
      }
    }
    Set<String> missing = new TreeSet<>(named);
    missing.removeAll(exported);
    assertTrue(missing.isEmpty(), "named but not exported: " + missing + "\nexported: " + exported);
  }

  /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
  static List<String> dashboardQueries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertTrue(panel.path("targets").size() > 0, "a panel without queries: " + panel);
      for (JsonNode target : panel.path("targets")) {
        assertTrue(!target.path("expr").asText().isBlank(), "an empty query: " + panel);
        queries.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      queries.add(variable.path("definition").asText());
    }
    return queries;
  }

  static Set<String> metricsIn(List<String> texts) {
    Set<String> names = new TreeSet<>();
    for (String text : texts) {
      Matcher m = METRIC.matcher(text);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * The sample names of a Prometheus text exposition ({@code _bucket}, {@code _total} included).
   */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  /**
   * Runs {@code dns watch} for one pass against the AWS API emulator with a fleet of one node, the
   * live node on loopback (so the probe reaches a real health endpoint), and returns its metrics.
   */
  private String dnsWatchMetrics(int nodePort) throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    try (Route53Client r53 = new AwsAccess(moto.endpoint(), Map.of()).route53()) {
      r53.createHostedZone(
          r -> r.name("example.test.").callerReference("ops-" + System.nanoTime()));
    }
    Path fleet =
        Files.writeString(
            temp.resolve("fleet.yaml"),
            """
            owner: ops-test
            zone: example.test.
            name: repo.example.test.
            ttl: 60
            healthCheck: {path: /.metamirror/health, port: %d, interval: 30, failureThreshold: 3}
            regions:
              eu-west-1:
                nodes:
                  - {id: eu1, ipv4: 127.0.0.1}
            """
                .formatted(nodePort));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String[] args = {
      "dns",
      "watch",
      "--fleet",
      fleet.toString(),
      "--aws-endpoint",
      moto.endpoint().toString(),
      "--interval",
      "1s",
      "--passes",
      "3",
      "--metrics-listen",
      "127.0.0.1:" + port
    };
    Thread watch = new Thread(() -> Run.run(args));
    watch.start();
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    String[] body = {""};
    Polling.await(
        "dns watch finished a pass",
        () -> {
          try {
            body[0] = get(HttpClient.newHttpClient(), metrics).body();
          } catch (IOException notListeningYet) {
            return false;
          }
          return body[0].contains("metamirror_dns_passes_total{result=\"ok\"}");
        });
    watch.join(TimeUnit.SECONDS.toMillis(30));
    return body[0];
  }

  private static HttpResponse<String> get(HttpClient client, URI uri)
      throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(LocalCa ca) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * Runs promtool (Debian's prometheus package, which scripts/test installs); fails when absent.
   */
  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is missing: scripts/test installs Debian's prometheus", e);
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool hung");
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
    return out;
  }
}
