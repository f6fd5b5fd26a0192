package io.metamirror.fleet.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.dns.fleet.FleetFileException;
import io.metamirror.dns.fleet.FleetFileParser;
import io.metamirror.dns.testing.SampleFleetFile;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetSpecTest {
  @Test
  void nodeAndLaunchSettingsAreReadBesideTheDnsPart() throws Exception {
    FleetSpec spec = FleetSpec.parse("fleet.yaml", SampleFleet.OPERABLE);
    assertEquals("demo", spec.dns().owner());
    assertEquals(List.of("eu-west-1", "us-east-1"), spec.dns().discoverRegions());
    assertEquals(
        new NodeSettings(
            URI.create("https://origin.example.test"),
            443,
            URI.create("https://dl.example.test/metamirror_0.1.0_all.deb"),
            SampleFleet.SHA256,
            "/metamirror/demo/tls-cert",
            "/metamirror/demo/tls-key"),
        spec.node());
    assertEquals(
        new LaunchSettings(
            "ami-0123456789abcdef0",
            "t3.small",
            List.of("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"),
            List.of("sg-0123456789abcdef0"),
            "metamirror-node",
            3),
        spec.launch().get("eu-west-1"));
    assertEquals(List.of(), spec.operationProblems("eu-west-1", true));
    assertEquals(
        List.of("region us-east-1 has no launch: settings in the fleet file"),
        spec.operationProblems("us-east-1", true));
    assertEquals(List.of(), spec.operationProblems("us-east-1", false), "remove launches nothing");
  }

  @Test
  void aFileWithoutFleetSettingsStaysValidAndOnlyDrivesDns() throws Exception {
    FleetSpec spec = FleetSpec.parse("fleet.yaml", SampleFleetFile.ISSUE_SHAPE);
    assertNull(spec.node());
    assertEquals(3, spec.dns().staticNodes().size());
    assertTrue(
        spec.operationProblems("eu-west-1", true)
            .get(0)
            .startsWith("region operations need discover"));
  }

  @Test
  void unknownKeysAndBadValuesOfBothPartsAreReportedTogetherWithTheirLines() {
    FleetFileException e =
        assertThrows(
            FleetFileException.class,
            () ->
                FleetSpec.parse(
                    "fleet.yaml",
                    """
                    owner: demo
                    zone: example.test.
                    name: repo.example.test.
                    ttl: 600
                    discover: ec2
                    nodes: {}
                    node:
                      origin: "https://origin.example.test/${evil}"
                      artifact: {url: https://dl.example.test/m.deb, sha256: abc}
                      tls: {certParameter: /c, keyParameter: /k, privateKey: inline}
                    regions:
                      eu-west-1:
                        launch:
                          ami: ami-0123456789abcdef0
                          instanceType: t3.small
                          subnets: [subnet-0123456789abcdef0, vpc-1]
                          keyPair: mine
                          count: 0
                    """));
    List<String> p = e.problems();
    assertTrue(p.stream().anyMatch(s -> s.startsWith("line 4, ttl: must be 0..60")), p.toString());
    assertTrue(
        p.stream().anyMatch(s -> s.startsWith("line 6, nodes: unknown key \"nodes\"")),
        p.toString());
    assertTrue(
        p.stream().anyMatch(s -> s.startsWith("line 8, node.origin: not an http(s) URL")),
        p.toString());
    assertTrue(
        p.contains("line 9, node.artifact.sha256: not 64 lower-case hex digits: \"abc\""),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s -> s.startsWith("line 10, node.tls.privateKey: unknown key \"privateKey\"")),
        p.toString());
    assertTrue(
        p.contains(
            "line 16, regions.eu-west-1.launch.subnets[1]: not a subnet id (subnet-...): \"vpc-1\""),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(s -> s.startsWith("line 17, regions.eu-west-1.launch.keyPair: unknown key")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s -> s.startsWith("line 18, regions.eu-west-1.launch.count: must be a whole")),
        p.toString());
  }

  @Test
  void theDnsManagerAloneStillRefusesTheFleetModulesKeys() {
    FleetFileException e =
        assertThrows(
            FleetFileException.class,
            () -> FleetFileParser.parse("fleet.yaml", SampleFleet.OPERABLE));
    assertTrue(
        e.problems().stream().anyMatch(s -> s.startsWith("line 6, node: unknown key \"node\"")),
        e.problems().toString());
  }
}
