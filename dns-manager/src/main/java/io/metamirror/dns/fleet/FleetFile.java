package io.metamirror.dns.fleet;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated fleet file; see {@link FleetFileParser} for the YAML shape.
 *
 * @param zoneName the hosted zone's name with its trailing dot, or {@code null} when only {@code
 *     zoneId} is given
 * @param zoneId the hosted zone's id ({@code Z...}), or {@code null}
 * @param name the managed record name, lower case with its trailing dot
 * @param awsEndpoint {@code awsEndpoint:} from the file, or {@code null}
 * @param nodesByRegion the statically listed nodes, in file order
 * @param discoverRegions regions in which to discover nodes ({@code discover:}); empty without
 */
public record FleetFile(
    String owner,
    String zoneName,
    String zoneId,
    String name,
    long ttl,
    HealthCheckSettings healthCheck,
    URI awsEndpoint,
    Map<String, List<Node>> nodesByRegion,
    List<String> discoverRegions) {

  /** True when the file asks for nodes beyond its own list, see {@code NodeDiscovery}. */
  public boolean discoversNodes() {
    return !discoverRegions.isEmpty();
  }

  /** Every statically listed node. */
  public List<Node> staticNodes() {
    return nodesByRegion.values().stream().flatMap(List::stream).toList();
  }
}
