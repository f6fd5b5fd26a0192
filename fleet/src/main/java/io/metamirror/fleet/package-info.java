/**
 * Fleet operations (DESIGN §10): everything that needs EC2. Today, discovering a fleet's running
 * instances as DNS nodes ({@code discover: ec2} in the fleet file) and building the regional EC2
 * clients; this is the home of the coming EC2 launch and tags, user-data rendering and region
 * add/replace/remove. It drives the DNS manager only through its public API (nodes, desired state,
 * planner, gateway), so that dns-manager stays Route53 only.
 *
 * <ul>
 *   <li>{@code ec2}: EC2 clients per region, and {@link io.metamirror.fleet.ec2.Ec2Discovery}, the
 *       {@link io.metamirror.dns.reconcile.NodeDiscovery} the CLI wires into {@code dns} commands
 * </ul>
 */
package io.metamirror.fleet;
