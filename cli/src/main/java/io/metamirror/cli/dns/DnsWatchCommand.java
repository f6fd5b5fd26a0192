package io.metamirror.cli.dns;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.DurationText;
import io.metamirror.cli.HangupSignal;
import io.metamirror.cli.SystemdNotify;
import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.reconcile.Reconciler;
import io.metamirror.dns.route53.Route53Gateway;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror dns watch}: reconcile on an interval. */
@Command(
    name = "watch",
    description =
        "Reconcile on an interval until stopped: re-read the fleet file, probe every node (a node"
            + " whose health says draining leaves DNS), plan and apply. One log line per change;"
            + " a failed pass is logged and retried at the next interval. SIGHUP starts a pass at"
            + " once.")
public final class DnsWatchCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin DnsOptions options;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description = "Time between passes: 500ms, 30s, 5m (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      converter = io.metamirror.cli.HostPort.Converter.class,
      description = "Serve Prometheus metrics on http://HOST:PORT/metrics (off by default).")
  io.metamirror.cli.HostPort metricsListen;

  @Option(names = "--passes", hidden = true, defaultValue = "0", description = "Stop after N.")
  int passes;

  @Override
  public Integer call() throws InterruptedException {
    Duration every = parse(interval);
    PrintWriter out = cli.out();
    WatchMetrics metrics = new WatchMetrics();
    if (metricsListen != null) {
      int port = metrics.serve(metricsListen.host(), metricsListen.port());
      log(out, "metrics on http://" + metricsListen.host() + ":" + port + "/metrics");
    }
    java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    HangupSignal.onHangup(
        () -> {
          log(out, "SIGHUP: reconciling now");
          wake.release();
        });
    SystemdNotify.ready(System.getenv(), "watching every " + every);
    for (int pass = 1; passes <= 0 || pass <= passes; pass++) {
      try {
        // Re-read each pass: editing the fleet file is how nodes are added and removed.
        FleetFile fleet = options.readFleet();
        Reconciler reconciler = options.reconciler(fleet, true, System.getenv());
        Reconciler.Outcome o = reconciler.plan(w -> log(out, "warning: " + w));
        o.probes()
            .forEach(
                (id, r) -> {
                  if (r.status() != io.metamirror.dns.probe.HealthProbe.Status.OK) {
                    log(out, "node " + id + " " + r.status() + ": " + r.detail());
                  }
                });
        metrics.nodes.set(o.nodes().size());
        metrics.notInDns.set(
            o.probes().values().stream()
                .filter(r -> r.status() != io.metamirror.dns.probe.HealthProbe.Status.OK)
                .count());
        String result = "ok";
        if (!o.plan().errors().isEmpty()) {
          o.plan().errors().forEach(e -> log(out, "plan error: " + e));
          result = "plan_error";
        } else if (!o.plan().isEmpty()) {
          Route53Gateway.ApplyReport report = reconciler.apply(o, line -> log(out, line));
          report.failures().forEach(f -> log(out, "failed: " + f));
          metrics.changes.inc(report.applied().size());
          result = report.ok() ? "ok" : "apply_failed";
        }
        metrics.passes.labelValues(result).inc();
      } catch (RuntimeException e) {
        log(out, "pass failed: " + e.getMessage());
        metrics.passes.labelValues("failed").inc();
      }
      metrics.lastPass.set(System.currentTimeMillis() / 1000.0);
      if (passes <= 0 || pass < passes) {
        // SIGHUP cuts the wait short, e.g. right after the fleet file was edited.
        wake.tryAcquire(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        wake.drainPermits();
      }
    }
    metrics.close();
    return 0;
  }

  private static void log(PrintWriter out, String line) {
    out.println(Instant.now() + " " + line);
    out.flush();
  }

  Duration parse(String text) {
    Duration d;
    try {
      d = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw cli.usageError("--interval " + e.getMessage());
    }
    if (d.isZero()) {
      throw cli.usageError("--interval must be > 0");
    }
    return d;
  }
}
