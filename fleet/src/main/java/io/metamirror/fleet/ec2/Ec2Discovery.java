package io.metamirror.fleet.ec2;

import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.reconcile.NodeDiscovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@code discover: ec2}: the running instances tagged {@code metamirror:fleet=<owner>} in each
 * listed region, one client per region (EC2 state is regional). A node's id is its {@code
 * metamirror:node} tag, else the instance id; its addresses are the public IPv4 and the first IPv6
 * of its interfaces. An instance without a public address is skipped and reported.
 */
public final class Ec2Discovery implements NodeDiscovery {
  public static final String FLEET_TAG = "metamirror:fleet";
  public static final String NODE_TAG = "metamirror:node";

  private final Function<String, Ec2Client> clients;

  /**
   * @param clients builds the client of one region, e.g. {@link Ec2Clients#forRegion}; each is
   *     closed after use
   */
  public Ec2Discovery(Function<String, Ec2Client> clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  @Override
  public List<Node> discover(String owner, List<String> regions, Consumer<String> warnings) {
    List<Node> nodes = new ArrayList<>();
    for (String region : regions) {
      try (Ec2Client ec2 = clients.apply(region)) {
        ec2.describeInstancesPaginator(
                r ->
                    r.filters(
                        Filter.builder().name("tag:" + FLEET_TAG).values(owner).build(),
                        Filter.builder().name("instance-state-name").values("running").build()))
            .reservations()
            .forEach(
                res -> {
                  for (Instance i : res.instances()) {
                    Node n = node(i, region);
                    if (n == null) {
                      warnings.accept(
                          "instance "
                              + i.instanceId()
                              + " in "
                              + region
                              + " has no public address");
                    } else {
                      nodes.add(n);
                    }
                  }
                });
      }
    }
    return nodes;
  }

  private static Node node(Instance i, String region) {
    String id = i.instanceId();
    for (Tag t : i.tags()) {
      if (t.key().equals(NODE_TAG) && !t.value().isBlank()) {
        id = t.value();
      }
    }
    String v6 = firstIpv6(i);
    String v4 = i.publicIpAddress();
    if (v4 == null && v6 == null) {
      return null;
    }
    return new Node(id, region, v4, v6);
  }

  /** The first IPv6 address of the instance's interfaces, or {@code null}. */
  static String firstIpv6(Instance i) {
    for (InstanceNetworkInterface ni : i.networkInterfaces()) {
      if (!ni.ipv6Addresses().isEmpty()) {
        return ni.ipv6Addresses().get(0).ipv6Address();
      }
    }
    return null;
  }
}
