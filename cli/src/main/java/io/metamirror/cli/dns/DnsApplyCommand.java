package io.metamirror.cli.dns;

import io.metamirror.cli.CommandOutput;
import io.metamirror.cli.ExitCodes;
import io.metamirror.dns.fleet.FleetFile;
import io.metamirror.dns.reconcile.Reconciler;
import io.metamirror.dns.route53.Route53Gateway;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code metamirror dns apply}: print the plan, then carry it out (with --yes). */
@Command(
    name = "apply",
    description =
        "Print the plan and apply it: health checks, then record batches (each waited on until"
            + " INSYNC), then health-check deletes. Without --yes it asks on a terminal and refuses"
            + " otherwise. Exit 1 when the plan has errors or a change failed (the others are still"
            + " applied).")
public final class DnsApplyCommand implements Callable<Integer> {
  @Mixin CommandOutput cli;
  @Mixin DnsOptions options;

  @Option(names = "--yes", description = "Apply without asking.")
  boolean yes;

  @Option(
      names = "--probe",
      description = "Probe each node's health endpoint first; draining nodes are left out of DNS.")
  boolean probe;

  @Override
  public Integer call() {
    FleetFile fleet = options.readFleet();
    PrintWriter out = cli.out();
    PrintWriter err = cli.err();
    Reconciler reconciler = options.reconciler(fleet, probe, System.getenv());
    Reconciler.Outcome o = reconciler.plan(w -> err.println("warning: " + w));
    DnsPlanCommand.text(o).forEach(out::println);
    out.flush();
    if (!o.plan().errors().isEmpty()) {
      throw new ExitCodes.UserError("not applied: the plan has errors");
    }
    if (o.plan().isEmpty()) {
      return 0;
    }
    if (!yes) {
      java.io.Console console = System.console();
      String answer = console == null ? null : console.readLine("apply these changes? [y/N] ");
      if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
        throw new ExitCodes.UserError("not applied: run with --yes to apply this plan");
      }
    }
    Route53Gateway.ApplyReport report =
        reconciler.apply(
            o,
            line -> {
              out.println("applied: " + line);
              out.flush();
            });
    report.failures().forEach(f -> err.println("failed: " + f));
    err.flush();
    out.printf(
        "%d changes applied, %d failed%n", report.applied().size(), report.failures().size());
    return report.ok() ? 0 : 1;
  }
}
