package io.metamirror.dns.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.dns.testing.SampleFleetFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetFileParserTest {
  @Test
  void theShapeFromTheIssueIsAccepted() throws Exception {
    FleetFile f = FleetFileParser.parse("fleet.yaml", SampleFleetFile.ISSUE_SHAPE);
    assertEquals("demo", f.owner());
    assertEquals("example.test.", f.zoneName());
    assertEquals("repo.example.test.", f.name());
    assertEquals(60, f.ttl());
    assertEquals(HealthCheckSettings.defaults(), f.healthCheck());
    assertEquals(
        List.of(
            new Node("eu1", "eu-west-1", "203.0.113.10", null),
            new Node("eu2", "eu-west-1", "203.0.113.11", null),
            new Node("us1", "us-east-1", "198.51.100.10", null)),
        f.staticNodes());
    assertTrue(!f.discoversNodes());
  }

  @Test
  void zoneIdAndEc2DiscoveryWithAListOfRegionsAreAccepted() throws Exception {
    FleetFile f =
        FleetFileParser.parse(
            "fleet.yaml",
            """
            owner: demo
            zoneId: /hostedzone/Z0123ABC
            name: repo.example.test
            discover: ec2
            regions: [eu-west-1, us-east-1]
            """);
    assertEquals("Z0123ABC", f.zoneId());
    assertEquals("repo.example.test.", f.name());
    assertEquals(List.of("eu-west-1", "us-east-1"), f.discoverRegions());
    assertEquals(List.of(), f.staticNodes());
  }

  @Test
  void everyProblemIsReportedWithItsLineAndField() {
    FleetFileException e =
        assertThrows(
            FleetFileException.class,
            () ->
                FleetFileParser.parse(
                    "fleet.yaml",
                    """
                    owner: Demo!
                    zone: example.test.
                    name: repo.other.test.
                    ttl: 300
                    healthCheck: {interval: 20, failureThreshold: 11, colour: red}
                    regions:
                      eu-west-1:
                        nodes:
                          - {id: eu/1, ipv4: 203.0.113.300}
                          - {id: eu2}
                    """));
    List<String> p = e.problems();
    assertTrue(
        p.contains("line 1, owner: must match [a-z0-9][a-z0-9-]{0,31}, got \"Demo!\""),
        p.toString());
    assertTrue(
        p.contains("line 3, name: repo.other.test. is not inside zone example.test."),
        p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("line 4, ttl: must be 0..60")), p.toString());
    assertTrue(
        p.stream().anyMatch(s -> s.startsWith("line 5, healthCheck.colour: unknown key")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s -> s.startsWith("line 5, healthCheck.interval: Route53 checks every 10 or 30")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "line 5, healthCheck.failureThreshold: must be a whole number in 1..10")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(s -> s.startsWith("line 9, regions.eu-west-1.nodes[0].id: must be 1-63")),
        p.toString());
    assertTrue(
        p.contains(
            "line 9, regions.eu-west-1.nodes[0].ipv4: not an IPv4 address: \"203.0.113.300\""),
        p.toString());
    assertTrue(p.contains("line 10, regions.eu-west-1.nodes[1]: needs ipv4 or ipv6"), p.toString());
  }
}
