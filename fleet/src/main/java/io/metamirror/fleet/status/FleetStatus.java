package io.metamirror.fleet.status;

import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.probe.HealthProbe;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.FleetInstance;
import io.metamirror.fleet.region.NodeEndpoints;
import io.metamirror.fleet.region.RegionDns;
import io.metamirror.protocol.health.HealthDocument;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One row per instance of the fleet that is not terminated, in every region the fleet file lists:
 * what EC2 says, whether DNS points at it, and what its health document says.
 */
public final class FleetStatus {
  /**
   * @param health the node's status ({@code ok}, {@code bootstrapping}, ...), or why there is none
   *     ({@code unreachable}, {@code no address})
   * @param node the node id its health document reports, or {@code null}
   * @param lagEntries entries behind the origin's head, or -1 without a document
   * @param latencyMillis how long the health request took, or -1
   * @param version the node's version, or {@code null}
   */
  public record Row(
      String region,
      String instanceId,
      int generation,
      String ec2State,
      boolean inDns,
      String health,
      String node,
      long lagEntries,
      long latencyMillis,
      String version) {
    /** A row without a health document: {@code why} says what happened instead. */
    static Row unprobed(FleetInstance i, String state, boolean inDns, String why) {
      return new Row(
          i.region(), i.instanceId(), i.generation(), state, inDns, why, null, -1, -1, null);
    }
  }

  private FleetStatus() {}

  public static List<Row> rows(
      List<String> regions,
      Ec2Fleet ec2,
      RegionDns dns,
      NodeEndpoints endpoints,
      HealthProbe probe,
      Consumer<String> warnings)
      throws InterruptedException {
    Map<String, List<Node>> byRegion = dns.nodesByRegion();
    Set<String> inDns = new HashSet<>();
    byRegion.values().forEach(l -> l.forEach(n -> inDns.add(n.id())));
    List<Row> rows = new ArrayList<>();
    for (String region : regions) {
      for (FleetInstance i : ec2.instances(region, warnings)) {
        if (i.state() == FleetInstance.State.TERMINATED) {
          continue;
        }
        rows.add(row(i, inDns.contains(i.instanceId()), endpoints, probe));
      }
    }
    return rows;
  }

  private static Row row(FleetInstance i, boolean inDns, NodeEndpoints endpoints, HealthProbe probe)
      throws InterruptedException {
    String state = i.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    URI uri = i.isLive() ? endpoints.healthUri(i) : null;
    if (uri == null) {
      return Row.unprobed(i, state, inDns, "no address");
    }
    try {
      HealthProbe.Reading r = probe.read(uri);
      HealthDocument d = r.document();
      return new Row(
          i.region(),
          i.instanceId(),
          i.generation(),
          state,
          inDns,
          d == null ? "HTTP " + r.statusCode() : d.status().toString(),
          d == null ? null : d.node(),
          d == null ? -1 : d.lagEntries(),
          r.latency().toMillis(),
          d == null ? null : d.version());
    } catch (IOException e) {
      return Row.unprobed(i, state, inDns, "unreachable");
    }
  }
}
