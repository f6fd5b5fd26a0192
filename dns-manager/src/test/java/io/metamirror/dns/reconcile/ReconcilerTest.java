package io.metamirror.dns.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.fleet.FleetFileParser;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.RecordChange;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.dns.testing.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.Route53Client;

/** A reconcile pass with nodes from a {@link NodeDiscovery}, against moto_server's Route53. */
class ReconcilerTest {
  static final String DISCOVERING_FLEET =
      """
      owner: demo
      zone: example.test.
      name: repo.example.test.
      discover: ec2
      regions:
        eu-west-1:
          nodes:
            - {id: eu1, ipv4: 203.0.113.10}
        us-east-1:
          nodes: []
      """;

  Route53Client route53;
  FleetFile fleet;

  @BeforeEach
  void emptyZone() throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    route53 = new AwsAccess(moto.endpoint(), Map.of()).route53();
    route53.createHostedZone(r -> r.name("example.test.").callerReference("reconciler-test"));
    fleet = FleetFileParser.parse("fleet.yaml", DISCOVERING_FLEET);
  }

  @AfterEach
  void close() {
    route53.close();
  }

  @Test
  void discoveredNodesJoinTheListedOnesAndATwinOfAListedNodeIsSkipped() {
    List<String> asked = new ArrayList<>();
    NodeDiscovery discovery =
        (owner, regions, warnings) -> {
          asked.add(owner + " " + regions);
          return List.of(
              new Node("us1", "us-east-1", "198.51.100.10", null),
              new Node("eu1", "eu-west-1", "203.0.113.99", null));
        };
    List<String> warnings = new ArrayList<>();

    Reconciler.Outcome o =
        new Reconciler(fleet, new Route53Gateway(route53), discovery, null).plan(warnings::add);

    assertEquals(List.of("demo [eu-west-1, us-east-1]"), asked);
    assertEquals(
        List.of("eu1 203.0.113.10", "us1 198.51.100.10"),
        o.nodes().stream().map(n -> n.id() + " " + n.ipv4()).toList());
    assertEquals(
        List.of("discovered node eu1 is also listed in the fleet file; skipped"), warnings);
    assertTrue(
        o.plan().recordChanges().stream()
            .map(RecordChange::record)
            .anyMatch(r -> "us1".equals(r.setIdentifier())),
        o.plan().describe().toString());
  }

  @Test
  void aFleetFileThatDiscoversNeedsADiscovery() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Reconciler(fleet, new Route53Gateway(route53), null, null));
    assertEquals(
        "the fleet file of demo asks for node discovery but none was given", e.getMessage());
  }
}
