package io.metamirror.dns.reconcile;

import io.metamirror.dns.fleet.Node;
import java.util.List;
import java.util.function.Consumer;

/**
 * Nodes found at run time rather than listed in the fleet file ({@code discover:} there). The DNS
 * manager only asks; it knows no cloud API. Module {@code fleet} answers from EC2 and the CLI wires
 * the two, so that dns-manager stays Route53 only (DESIGN §8).
 */
@FunctionalInterface
public interface NodeDiscovery {
  /**
   * The running nodes of fleet {@code owner} in each of {@code regions}. A candidate that cannot be
   * a node (no public address) is skipped and reported to {@code warnings}.
   */
  List<Node> discover(String owner, List<String> regions, Consumer<String> warnings);
}
