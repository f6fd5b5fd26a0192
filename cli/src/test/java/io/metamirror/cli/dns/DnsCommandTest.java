package io.metamirror.cli.dns;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.cli.Run;
import io.metamirror.dns.aws.AwsAccess;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.route53.Route53Client;

/** {@code metamirror dns} as a user runs it, against a moto_server child process. */
class DnsCommandTest {
  static final String FLEET =
      """
      owner: demo
      zone: example.test.            # hosted zone name; `zoneId: Z...` also accepted
      name: repo.example.test.
      ttl: 60
      healthCheck: {path: /.metamirror/health, port: 443, interval: 30, failureThreshold: 3}
      regions:
        eu-west-1:
          nodes:
            - {id: eu1, ipv4: 203.0.113.10}
            - {id: eu2, ipv4: 203.0.113.11}
        us-east-1:
          nodes:
            - {id: us1, ipv4: 198.51.100.10}
      """;
  static Process moto;
  static URI endpoint;
  @TempDir Path temp;
  Path fleet;

  @BeforeAll
  static void startMoto() throws Exception {
    boolean installed = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      installed |= Files.isExecutable(Path.of(dir, "moto_server"));
    }
    assumeTrue(installed, "moto_server is not on PATH (scripts/test installs it)");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    moto =
        new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    endpoint = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    for (int i = 0; i < 300; i++) {
      try {
        http.send(
            HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("moto_server did not start");
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.destroy();
    }
  }

  @BeforeEach
  void emptyZoneAndFleetFile() throws Exception {
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    try (Route53Client r53 = new AwsAccess(endpoint, Map.of()).route53()) {
      r53.createHostedZone(
          r -> r.name("example.test.").callerReference("cli-" + System.nanoTime()));
    }
    fleet = Files.writeString(temp.resolve("fleet.yaml"), FLEET);
  }

  JsonNode planJson() throws Exception {
    Run r =
        run(
            "dns",
            "plan",
            "--fleet",
            fleet.toString(),
            "--aws-endpoint",
            endpoint.toString(),
            "--output",
            "json");
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, r.out().lines().count(), "one JSON object: " + r.out());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void planThenApplyThenPlanAgainPrintsNoChanges() throws Exception {
    JsonNode before = planJson();
    // 3 checks, 3 node records + 2 TXT at the region names, 2 aliases + 1 TXT at the name
    assertEquals(3 + 5 + 3, before.get("changes").size(), before.toString());

    Run apply =
        run(
            "dns",
            "apply",
            "--fleet",
            fleet.toString(),
            "--aws-endpoint",
            endpoint.toString(),
            "--yes");
    assertEquals(0, apply.exit(), apply.out() + apply.err());
    assertTrue(apply.out().contains("11 changes applied, 0 failed"), apply.out());

    JsonNode after = planJson();
    assertEquals(0, after.get("changes").size(), after.toString());
    Run text =
        run("dns", "plan", "--fleet", fleet.toString(), "--aws-endpoint", endpoint.toString());
    assertEquals("no changes: Route53 matches the fleet", text.out().strip());
  }

  @Test
  void applyWithoutYesPrintsThePlanAndChangesNothing() throws Exception {
    Run r = run("dns", "apply", "--fleet", fleet.toString(), "--aws-endpoint", endpoint.toString());
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("+ health check eu-west-1:eu1"), r.out());
    assertTrue(r.err().contains("not applied: run with --yes"), r.err());
    assertEquals(11, planJson().get("changes").size());
  }

  @Test
  void aBrokenFleetFileNamesTheLineAndField() throws Exception {
    Files.writeString(fleet, FLEET.replace("203.0.113.11", "203.0.113"));
    Run r = run("dns", "plan", "--fleet", fleet.toString(), "--aws-endpoint", endpoint.toString());
    assertEquals(1, r.exit());
    assertTrue(
        r.err().contains("line 10, regions.eu-west-1.nodes[1].ipv4: not an IPv4 address"), r.err());
  }

  @Test
  void watchAppliesTheFleetAndReportsItsPassesAsPrometheusMetrics() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Thread watch =
        new Thread(
            () ->
                run(
                    "dns",
                    "watch",
                    "--fleet",
                    fleet.toString(),
                    "--aws-endpoint",
                    endpoint.toString(),
                    "--interval",
                    "3s",
                    "--passes",
                    "2",
                    "--metrics-listen",
                    "127.0.0.1:" + port));
    watch.start();
    HttpClient http = HttpClient.newHttpClient();
    String metrics = "";
    for (int i = 0;
        i < 200 && !metrics.contains("metamirror_dns_passes_total{result=\"ok\"} 1.0");
        i++) {
      Thread.sleep(25);
      try {
        metrics =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
      } catch (IOException notYet) {
        // the first pass has not started the listener yet
      }
    }
    assertTrue(metrics.contains("metamirror_dns_passes_total{result=\"ok\"} 1.0"), metrics);
    assertTrue(metrics.contains("metamirror_dns_changes_applied_total 11.0"), metrics);
    assertTrue(metrics.contains("metamirror_dns_nodes 3.0"), metrics);
    assertEquals(0, planJson().get("changes").size(), "the first pass made Route53 match");
    watch.join(30_000);
  }
}
