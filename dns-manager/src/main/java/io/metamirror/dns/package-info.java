/**
 * The DNS manager (DESIGN §7): a reconciler that keeps Route53 latency alias records, per-node
 * records and per-node HTTPS health checks equal to the fleet file. It talks to Route53 only: nodes
 * found at run time come through {@link io.metamirror.dns.reconcile.NodeDiscovery}, which module
 * {@code fleet} implements.
 *
 * <ul>
 *   <li>{@code fleet}: the fleet file (YAML), its validation, and the nodes it names
 *   <li>{@code probe}: the project's own look at each node's {@code /.metamirror/health}
 *   <li>{@code plan}: desired state and the pure planner, {@code plan(desired, actual)}
 *   <li>{@code route53}: the one gateway that talks to Route53
 *   <li>{@code reconcile}: read → plan → apply, as the CLI runs it; the discovery interface
 * </ul>
 */
package io.metamirror.dns;
