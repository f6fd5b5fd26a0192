/**
 * The DNS manager (DESIGN §6): a reconciler that keeps Route53 latency alias records, per-node
 * records and per-node HTTPS health checks equal to the fleet file.
 *
 * <ul>
 *   <li>{@code fleet}: the fleet file (YAML), its validation, and the nodes it names
 *   <li>{@code ec2}: {@code discover: ec2}, running instances tagged for the fleet
 *   <li>{@code probe}: the project's own look at each node's {@code /.metamirror/health}
 *   <li>{@code plan}: desired state and the pure planner, {@code plan(desired, actual)}
 *   <li>{@code route53}: the one gateway that talks to Route53
 *   <li>{@code reconcile}: read → plan → apply, as the CLI runs it
 * </ul>
 */
package io.metamirror.dns;
