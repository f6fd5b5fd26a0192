package io.metamirror.cli.region;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metamirror.cli.Run;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.testing.MotoServer;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.simulation.EmulatorFleetFile;
import io.metamirror.fleet.simulation.InstanceSimulation;
import io.metamirror.testsupport.origin.TestOrigin;
import io.metamirror.testsupport.process.ChildJvm;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * {@code metamirror region} and {@code fleet status} as an operator runs them, against the AWS
 * emulator, with a real {@code mirror serve} process per emulated instance ({@link
 * InstanceSimulation}) following a real test origin.
 */
class RegionCommandTest {
  static final String REGION = "eu-west-1";
  @TempDir Path temp;
  URI endpoint;
  Path fleet;
  TestOrigin origin;
  InstanceSimulation simulation;
  Ec2Fleet ec2;

  @BeforeEach
  void emulatorOriginAndFleetFile() throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    endpoint = moto.endpoint();
    AwsAccess aws = new AwsAccess(endpoint, Map.of());
    try (Route53Client r53 = aws.route53()) {
      r53.createHostedZone(r -> r.name("example.test.").callerReference("region-cli"));
    }
    String ami;
    Ec2Clients clients = new Ec2Clients(aws);
    try (Ec2Client c = clients.forRegion(REGION)) {
      ami = EmulatorFleetFile.anyImage(c);
    }
    origin = TestOrigin.start(temp.resolve("origin"));
    origin.publish(Map.of("p2/acme/widget.json", "{\"packages\":{}}"), List.of());
    fleet =
        Files.writeString(
            temp.resolve("fleet.yaml"),
            EmulatorFleetFile.yaml(
                "demo", "repo.example.test.", origin.uri().toString(), Map.of(REGION, ami)));
    ec2 = new Ec2Fleet("demo", clients::forRegion);
    simulation =
        new InstanceSimulation(
            ec2,
            List.of(REGION),
            Files.createDirectories(temp.resolve("sim")),
            args ->
                ChildJvm.command(
                    io.metamirror.cli.Main.class, List.of(), args.toArray(String[]::new)));
  }

  @AfterEach
  void stop() throws Exception {
    simulation.close();
    origin.close();
  }

  Run region(String... args) {
    List<String> all = new ArrayList<>(List.of("region"));
    all.addAll(List.of(args));
    all.addAll(
        List.of("--ttl-margin", "0", "--healthy-timeout", "120", "--lock-holder", "test@ops"));
    return withFleet(all);
  }

  /** {@code command} with the fleet file, the emulator and the simulated instances. */
  Run withFleet(List<String> command) {
    List<String> all = new ArrayList<>(command);
    all.addAll(
        List.of(
            "--fleet",
            fleet.toString(),
            "--aws-endpoint",
            endpoint.toString(),
            "--simulated-instances",
            simulation.file().toString()));
    return run(all.toArray(String[]::new));
  }

  JsonNode status() throws Exception {
    Run r = withFleet(List.of("fleet", "status", "--output", "json"));
    assertEquals(0, r.exit(), r.toString());
    return new ObjectMapper().readTree(r.out()).get("nodes");
  }

  static Set<String> inDns(JsonNode nodes, int generation) {
    Set<String> ids = new TreeSet<>();
    nodes.forEach(
        n -> {
          if (n.get("inDns").asBoolean() && n.get("generation").asInt() == generation) {
            ids.add(n.get("instanceId").asText());
          }
        });
    return ids;
  }

  @Test
  void addThenReplaceThenRemoveARegionWithRealNodes() throws Exception {
    Run plan = region("add", REGION, "--plan");
    assertEquals(0, plan.exit(), plan.toString());
    assertEquals(
        List.of(
            "region add eu-west-1 (generation 1): 3 steps",
            "  1. launch 2 instances of generation 1",
            "  2. wait until generation 1 is healthy and synced",
            "  3. point the region's DNS records at generation 1 (one change batch, until INSYNC)"),
        plan.out().lines().toList());
    assertEquals(0, ec2.instances(REGION, w -> {}).size(), "--plan launches nothing");

    Run add = region("add", REGION, "--yes");
    assertEquals(0, add.exit(), add.toString());
    List<String> progress = add.errLines();
    assertEquals(3, progress.size(), add.toString());
    assertTrue(
        progress
            .get(1)
            .matches(
                "step 2/3 wait until generation 1 is healthy and synced: done \\(\\d+\\.\\d s\\)"),
        progress.get(1));
    JsonNode nodes = status();
    assertEquals(2, inDns(nodes, 1).size(), nodes.toString());
    for (JsonNode n : nodes) {
      assertEquals("ok", n.get("health").asText(), n.toString());
      assertEquals(n.get("instanceId").asText(), n.get("node").asText(), "node-id from user-data");
      assertEquals(0, n.get("lagEntries").asLong(), n.toString());
    }

    Run replace = region("replace", REGION, "--yes", "--output", "json");
    assertEquals(0, replace.exit(), replace.toString());
    JsonNode outcome = new ObjectMapper().readTree(replace.out());
    assertTrue(outcome.get("ok").asBoolean(), outcome.toString());
    nodes = status();
    assertEquals(2, inDns(nodes, 2).size(), nodes.toString());
    assertEquals(Set.of(), inDns(nodes, 1), nodes.toString());
    for (JsonNode n : nodes) {
      if (n.get("generation").asInt() == 1) {
        assertTrue(
            Set.of("shutting-down", "terminated").contains(n.get("ec2State").asText()),
            n.toString());
      }
    }

    Run drill =
        run(
            "fleet",
            "drill",
            REGION,
            "--minutes",
            "0",
            "--yes",
            "--output",
            "json",
            "--fleet",
            fleet.toString(),
            "--aws-endpoint",
            endpoint.toString());
    assertEquals(0, drill.exit(), drill.toString());
    JsonNode report = new ObjectMapper().readTree(drill.out());
    assertEquals(2, report.get("healthChecks").asInt(), report.toString());
    assertTrue(
        report.get("leftDns").asBoolean() && report.get("backInDns").asBoolean(),
        report.toString());

    Run removePlan = region("remove", REGION, "--plan");
    assertEquals(0, removePlan.exit(), removePlan.toString());
    assertTrue(removePlan.out().contains("1. remove the region's DNS records"), removePlan.out());
    assertEquals(2, inDns(status(), 2).size(), "--plan changes nothing");

    Run remove = region("remove", REGION, "--yes");
    assertEquals(0, remove.exit(), remove.toString());
    nodes = status();
    assertEquals(Set.of(), inDns(nodes, 2), nodes.toString());
    nodes.forEach(n -> assertTrue(!n.get("ec2State").asText().equals("running"), n.toString()));
  }

  @Test
  void anotherOperatorsLockRefusesWithExitThreeAndChangesNothing() throws Exception {
    Run first = region("add", REGION, "--yes");
    assertEquals(0, first.exit(), first.toString());
    // A run releases the lock; alice takes it by hand and holds it.
    try (Route53Client r53 = new AwsAccess(endpoint, Map.of()).route53()) {
      var gateway = new io.metamirror.dns.route53.Route53Gateway(r53);
      io.metamirror.fleet.region.FleetLock.acquire(
          gateway,
          gateway.zoneId("example.test.", null),
          "demo",
          "repo.example.test.",
          "alice@ops1",
          java.time.Duration.ofMinutes(30),
          java.time.Instant.now());
    }
    int before = ec2.instances(REGION, w -> {}).size();
    Run r = region("replace", REGION, "--yes");
    assertEquals(3, r.exit(), r.toString());
    assertTrue(r.err().contains("the fleet is locked by alice@ops1 until"), r.toString());
    assertEquals(before, ec2.instances(REGION, w -> {}).size());
  }

  @Test
  void aRegionWithoutLaunchSettingsIsRefusedBeforeAnyCall() throws Exception {
    Run r = region("add", "us-east-1", "--yes");
    assertEquals(1, r.exit(), r.toString());
    assertEquals(
        List.of(
            "metamirror: region us-east-1 is not under regions: in the fleet file; region us-east-1 has no launch: settings in the fleet file"),
        r.errLines());
  }
}
