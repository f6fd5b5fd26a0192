package io.metamirror.fleet.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.testing.MotoServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/** {@code discover: ec2} against instances launched in moto_server. */
class Ec2DiscoveryTest {
  Ec2Clients ec2Clients;

  @BeforeEach
  void resetEmulator() throws Exception {
    MotoServer moto = MotoServer.get();
    moto.reset();
    ec2Clients = new Ec2Clients(new AwsAccess(moto.endpoint(), Map.of()));
  }

  String launch(String region, String fleet, String node) {
    try (Ec2Client ec2 = ec2Clients.forRegion(region)) {
      String image = ec2.describeImages(r -> r.maxResults(5)).images().get(0).imageId();
      List<Tag> tags = new ArrayList<>();
      tags.add(Tag.builder().key("metamirror:fleet").value(fleet).build());
      if (node != null) {
        tags.add(Tag.builder().key("metamirror:node").value(node).build());
      }
      return ec2.runInstances(
              r ->
                  r.imageId(image)
                      .instanceType("t3.micro")
                      .minCount(1)
                      .maxCount(1)
                      .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(tags)))
          .instances()
          .get(0)
          .instanceId();
    }
  }

  @Test
  void findsRunningInstancesOfTheFleetInTwoRegionsAndIgnoresOthers() {
    launch("eu-west-1", "demo", "eu1");
    launch("us-east-1", "demo", "us1");
    String untagged = launch("us-east-1", "demo", null);
    launch("us-east-1", "other", "theirs");
    String stopped = launch("eu-west-1", "demo", "stopped");
    try (Ec2Client ec2 = ec2Clients.forRegion("eu-west-1")) {
      ec2.terminateInstances(r -> r.instanceIds(stopped));
    }
    launch("ap-south-1", "demo", "not-scanned");

    List<String> warnings = new ArrayList<>();
    List<Node> nodes =
        new Ec2Discovery(ec2Clients::forRegion)
            .discover("demo", List.of("eu-west-1", "us-east-1"), warnings::add);
    nodes = new ArrayList<>(nodes);
    nodes.sort(Comparator.comparing(Node::id));
    assertEquals(
        List.of("eu-west-1 eu1", "us-east-1 " + untagged, "us-east-1 us1"),
        nodes.stream().map(n -> n.region() + " " + n.id()).sorted().toList(),
        "warnings: " + warnings);
    for (Node n : nodes) {
      assertEquals(true, n.ipv4() != null, n.toString());
    }
  }
}
