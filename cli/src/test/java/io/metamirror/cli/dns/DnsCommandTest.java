package io.metamirror.cli.dns;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.cli.Run;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.testing.MotoServer;
import io.metamirror.dns.testing.SampleFleetFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * {@code metamirror dns} as a user runs it, against a moto_server child process, with the fleet
 * file the parser's tests read.
 */
class DnsCommandTest {
  static final String FLEET = SampleFleetFile.ISSUE_SHAPE;
  URI endpoint;
  @TempDir Path temp;
  Path fleet;

  @BeforeEach
  void emptyZoneAndFleetFile() throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    endpoint = moto.endpoint();
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
    // The watch probes every node's health: loopback addresses, so that no probe leaves this
    // machine (tests never send traffic elsewhere); nothing answers there, as on a fresh fleet.
    Files.writeString(
        fleet,
        FLEET
            .replace("203.0.113.10", "127.0.0.1")
            .replace("203.0.113.11", "127.0.0.2")
            .replace("198.51.100.10", "127.0.0.3"));
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
