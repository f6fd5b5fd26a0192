package io.metamirror.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.bench.chaos.DeclaredWindows;
import io.metamirror.bench.chaos.PublishTimeline;
import io.metamirror.bench.chaos.Publisher;
import io.metamirror.bench.chaos.ResponseJudge;
import io.metamirror.bench.harness.AwsEmulator;
import io.metamirror.bench.harness.ComposerLikeFiles;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.LoopbackPorts;
import io.metamirror.bench.harness.OriginServer;
import io.metamirror.dns.aws.AwsAccess;
import io.metamirror.dns.fleet.Node;
import io.metamirror.dns.plan.RecordSet;
import io.metamirror.dns.route53.Route53Gateway;
import io.metamirror.fleet.ec2.Ec2Clients;
import io.metamirror.fleet.ec2.Ec2Fleet;
import io.metamirror.fleet.region.FleetInstance;
import io.metamirror.fleet.region.RegionDns;
import io.metamirror.fleet.simulation.EmulatorFleetFile;
import io.metamirror.fleet.simulation.InstanceSimulation;
import io.metamirror.fleet.spec.FleetSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * One fleet e2e run: the AWS emulator and a real origin on loopback, the {@link InstanceSimulation}
 * (a real {@code mirror serve} per emulated instance), the {@link ResolverSimulation}; then,
 * through the real CLI ({@link FleetCli}): add regions A and B, replace A under a {@link
 * ResolvedLoad}, drill A, remove B under the load, and a replace of A whose new nodes can never
 * become healthy (their user-data names an origin nobody listens on), which must roll back. Fills
 * the report with what a user would check after each step.
 */
final class FleetE2eRun {
  static final String A = "eu-west-1";
  static final String B = "us-east-1";
  static final String OWNER = "e2e";
  static final String NAME = "repo.example.test.";
  static final long MIN_REQUESTS = 2_000;

  /** How often the resolver simulation reads the zone and measures the nodes. */
  private static final Duration RESOLVER_EVERY = Duration.ofMillis(250);

  private static final double DRILL_MINUTES = 0.1;

  private final Harness harness;
  private final ObjectNode report = new ObjectMapper().createObjectNode();
  private final PublishTimeline timeline = new PublishTimeline();
  private final ResponseJudge judge = new ResponseJudge(timeline, new DeclaredWindows());
  private Publisher publisher;
  private Ec2Fleet ec2;
  private RegionDns dns;
  private ResolverSimulation resolver;
  private FleetCli cli;

  FleetE2eRun(Harness harness) {
    this.harness = harness;
  }

  ObjectNode run() throws IOException, InterruptedException {
    URI endpoint = AwsEmulator.start(harness);
    OriginServer origin = OriginServer.start(harness, "origin");
    publisher =
        new Publisher(
            origin.api(),
            timeline,
            new ComposerLikeFiles(20, 1_024),
            (path, sent, end, problem) ->
                System.err.println("[fleet-e2e] publish of " + path + " failed: " + problem));
    for (int i = 0; i < 40; i++) {
      if (!publisher.publishNew()) {
        throw new IOException("the origin refused an initial publish");
      }
    }
    AwsAccess aws = new AwsAccess(endpoint, Map.of());
    Ec2Clients clients = new Ec2Clients(aws);
    Path fleet = fleetFile("fleet.yaml", origin.url(), clients);
    // An origin nobody listens on: nodes launched from this file never sync, never get healthy.
    Path broken =
        fleetFile("fleet-broken.yaml", "http://127.0.0.1:" + LoopbackPorts.free(), clients);
    FleetSpec spec;
    try {
      spec = FleetSpec.parse(fleet);
    } catch (io.metamirror.dns.fleet.FleetFileException e) {
      throw new IOException(e.getMessage(), e);
    }
    try (Route53Client r53 = aws.route53()) {
      r53.createHostedZone(r -> r.name("example.test.").callerReference("fleet-e2e"));
    }
    ec2 = new Ec2Fleet(OWNER, clients::forRegion);
    Route53Gateway gateway = new Route53Gateway(aws.route53());
    dns = new RegionDns(spec.dns(), gateway);
    try (InstanceSimulation instances =
        new InstanceSimulation(
            ec2, List.of(A, B), harness.workspace().directory("instances"), this::metamirror)) {
      cli = new FleetCli(fleet, endpoint, instances.file());
      resolver =
          new ResolverSimulation(
              gateway,
              dns.zoneId(),
              OWNER,
              NAME,
              ec2,
              List.of(A, B),
              instances,
              spec.dns().healthCheck().path(),
              RESOLVER_EVERY);
      try {
        add();
        replace();
        drill();
        remove();
        rollback(broken);
      } finally {
        resolver.close();
      }
    }
    return report;
  }

  private void add() throws InterruptedException {
    long start = System.nanoTime();
    int exitA = cli.region("add", A, "--yes");
    int exitB = cli.region("add", B, "--yes");
    resolver.start();
    ObjectNode add = report.putObject("add");
    add.put("healthy_nodes", resolver.fresh().zone().healthyAddresses().size());
    add.put("exit", Math.max(exitA, exitB));
    add.put("seconds", seconds(start));
  }

  private void replace() throws InterruptedException {
    long start = System.nanoTime();
    Set<String> old = liveIds(A);
    ResolvedLoad load = load();
    int exit = cli.region("replace", A, "--yes");
    ResolvedLoad.Tally tally = load.stop(MIN_REQUESTS);
    Set<String> inDns = nodeIds(A);
    ObjectNode r = report.putObject("replace");
    tally(r, tally);
    r.put("old_nodes_in_dns", inDns.stream().filter(old::contains).count());
    r.put("new_nodes_in_dns", inDns.stream().filter(id -> !old.contains(id)).count());
    r.put("old_instances_running", liveIds(A).stream().filter(old::contains).count());
    r.put("exit", exit);
    r.put("seconds", seconds(start));
  }

  /** Drills A while B is in DNS, so clients nearest to A must be answered with B's nodes. */
  private void drill() throws InterruptedException {
    long start = System.nanoTime();
    Set<String> addressesOfA = new HashSet<>();
    dns.nodesByRegion().getOrDefault(A, List.of()).forEach(n -> addressesOfA.add(n.ipv4()));
    AtomicReference<Integer> exit = new AtomicReference<>();
    Thread drill =
        new Thread(
            () ->
                exit.set(
                    cli.fleet("drill", A, "--minutes", Double.toString(DRILL_MINUTES), "--yes")),
            "e2e-drill");
    drill.start();
    boolean left = false;
    while (drill.isAlive()) {
      Set<String> answer = resolver.answer(A);
      left |= !answer.isEmpty() && answer.stream().noneMatch(addressesOfA::contains);
      Thread.sleep(100);
    }
    drill.join();
    boolean back = false;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!back && System.nanoTime() < deadline) {
      resolver.fresh();
      back = resolver.answer(A).stream().anyMatch(addressesOfA::contains);
    }
    ObjectNode d = report.putObject("drill");
    d.put("left_dns", left);
    d.put("back_in_dns", back);
    d.put("exit", exit.get());
    d.put("seconds", seconds(start));
  }

  private void remove() throws InterruptedException {
    long start = System.nanoTime();
    ResolvedLoad load = load();
    int exit = cli.region("remove", B, "--yes");
    ResolvedLoad.Tally tally = load.stop(MIN_REQUESTS);
    ObjectNode r = report.putObject("remove");
    tally(r, tally);
    r.put("instances_running", liveIds(B).size());
    boolean inDns = false;
    for (RecordSet rs : dns.gateway().read(dns.zoneId(), OWNER).records()) {
      inDns |= rs.name().startsWith(B + ".") || B.equals(rs.routing().region());
    }
    r.put("region_in_dns", inDns);
    r.put("exit", exit);
    r.put("seconds", seconds(start));
  }

  private void rollback(Path brokenFleet) throws InterruptedException {
    long start = System.nanoTime();
    Set<RecordSet> before = new HashSet<>(dns.gateway().read(dns.zoneId(), OWNER).records());
    Set<String> existing = new HashSet<>();
    ec2.instances(A, w -> {}).forEach(i -> existing.add(i.instanceId()));
    int exit =
        new FleetCli(brokenFleet, cli.endpoint(), cli.simulatedInstances())
            .region("replace", A, "--yes", "--healthy-timeout", "8");
    Set<RecordSet> after = new HashSet<>(dns.gateway().read(dns.zoneId(), OWNER).records());
    ObjectNode r = report.putObject("rollback");
    r.put("dns_changed", !before.equals(after));
    r.put(
        "new_instances_running", liveIds(A).stream().filter(id -> !existing.contains(id)).count());
    r.put("exit", exit);
    r.put("seconds", seconds(start));
  }

  private ResolvedLoad load() {
    ResolvedLoad load = new ResolvedLoad(resolver, publisher, judge, List.of(A, B), 120, 400);
    load.start(6, System.nanoTime());
    return load;
  }

  private static void tally(ObjectNode node, ResolvedLoad.Tally t) {
    node.put("requests", t.requests());
    node.put("requests_during_command", t.duringCommand());
    node.put("failed", t.failed());
    node.put("wrong", t.wrong());
    t.findings().forEach(f -> node.withArray("findings").add(f));
  }

  private Set<String> liveIds(String region) {
    Set<String> ids = new HashSet<>();
    for (FleetInstance i : ec2.instances(region, w -> {})) {
      if (i.isLive()) {
        ids.add(i.instanceId());
      }
    }
    return ids;
  }

  private Set<String> nodeIds(String region) {
    Set<String> ids = new HashSet<>();
    dns.nodesByRegion().getOrDefault(region, List.of()).stream().map(Node::id).forEach(ids::add);
    return ids;
  }

  /** A node process through the project's launcher, with {@code MIRROR_JAVA_OPTS}. */
  private ProcessBuilder metamirror(List<String> args) {
    ProcessBuilder b = new ProcessBuilder(harness.metamirror(args.toArray(String[]::new)));
    b.environment().putAll(Harness.javaOptions("MIRROR_JAVA_OPTS"));
    return b;
  }

  private Path fleetFile(String name, String originUrl, Ec2Clients clients) throws IOException {
    Map<String, String> amis = new TreeMap<>();
    for (String region : List.of(A, B)) {
      try (Ec2Client c = clients.forRegion(region)) {
        amis.put(region, EmulatorFleetFile.anyImage(c));
      }
    }
    return Files.writeString(
        harness.workspace().file(name), EmulatorFleetFile.yaml(OWNER, NAME, originUrl, amis));
  }

  private static double seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
  }

  static List<String> failures(ObjectNode r) {
    List<String> out = new ArrayList<>();
    check(out, r.at("/add/healthy_nodes").asInt() == 4, "add: not 4 healthy nodes in DNS");
    check(out, r.at("/add/exit").asInt() == 0, "add: the command failed");
    for (String op : List.of("replace", "remove")) {
      check(out, r.at("/" + op + "/exit").asInt() == 0, op + ": the command failed");
      check(out, r.at("/" + op + "/failed").asLong() == 0, op + ": failed requests");
      check(out, r.at("/" + op + "/wrong").asLong() == 0, op + ": wrong bodies");
      check(out, r.at("/" + op + "/requests").asLong() >= MIN_REQUESTS, op + ": too few requests");
    }
    check(out, r.at("/replace/old_nodes_in_dns").asInt() == 0, "replace: old nodes in DNS");
    check(out, r.at("/replace/new_nodes_in_dns").asInt() == 2, "replace: not 2 new nodes in DNS");
    check(out, r.at("/replace/old_instances_running").asInt() == 0, "replace: old instances run");
    check(out, r.at("/remove/instances_running").asInt() == 0, "remove: instances still run");
    check(out, !r.at("/remove/region_in_dns").asBoolean(true), "remove: region still in DNS");
    check(out, r.at("/rollback/exit").asInt() == 1, "rollback: exit status not 1");
    check(out, !r.at("/rollback/dns_changed").asBoolean(true), "rollback: DNS changed");
    check(out, r.at("/rollback/new_instances_running").asInt() == 0, "rollback: new instances run");
    check(out, r.at("/drill/exit").asInt() == 0, "drill: the command failed");
    check(out, r.at("/drill/left_dns").asBoolean(), "drill: the region never left DNS");
    check(out, r.at("/drill/back_in_dns").asBoolean(), "drill: the region did not come back");
    return out;
  }

  private static void check(List<String> failures, boolean ok, String failure) {
    if (!ok) {
      failures.add(failure);
    }
  }
}
