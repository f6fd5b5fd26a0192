package io.metamirror.bench;

import io.metamirror.bench.chaos.ChaosMain;
import io.metamirror.bench.composer.ComposerBenchmark;
import io.metamirror.bench.fleet.FleetE2eMain;
import io.metamirror.bench.harness.BenchFailure;
import io.metamirror.bench.harness.Harness;
import io.metamirror.bench.harness.Options;
import io.metamirror.bench.mirror.MirrorServeBenchmark;
import io.metamirror.bench.origin.OriginPublishFeedBenchmark;
import io.metamirror.bench.scale.ScaleBenchmark;
import io.metamirror.bench.sync.CatchUpBenchmark;
import io.metamirror.bench.sync.SyncBenchmark;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code bench/run NAME [--option value]...}: runs one benchmark. bench/run builds the jars,
 * installs the reference tools and starts this with the metamirror jar on the class path.
 */
public final class Main {
  /** A benchmark; {@code flags} are its options that take no value ({@code --short}). */
  private record Entry(
      String name, Function<Options, Benchmark> create, String options, Set<String> flags) {
    Entry(String name, Function<Options, Benchmark> create, String options) {
      this(name, create, options, Set.of());
    }
  }

  private static final List<Entry> BENCHMARKS =
      List.of(
          new Entry(
              "origin-publish-feed",
              OriginPublishFeedBenchmark::new,
              OriginPublishFeedBenchmark.OPTIONS),
          new Entry("sync", SyncBenchmark::new, SyncBenchmark.OPTIONS),
          new Entry("catch-up", CatchUpBenchmark::new, CatchUpBenchmark.OPTIONS),
          new Entry("mirror-serve", MirrorServeBenchmark::new, MirrorServeBenchmark.OPTIONS),
          new Entry("composer", ComposerBenchmark::new, ComposerBenchmark.OPTIONS),
          new Entry("scale", ScaleBenchmark::new, ScaleBenchmark.OPTIONS, ScaleBenchmark.FLAGS));

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  private static int run(String[] args) {
    if (args.length == 0 || isHelp(args[0])) {
      System.err.println(usage());
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("chaos")) {
      return ChaosMain.run(Arrays.asList(args).subList(1, args.length));
    }
    if (args[0].equals("fleet-e2e")) {
      return FleetE2eMain.run(Arrays.asList(args).subList(1, args.length));
    }
    Entry entry =
        BENCHMARKS.stream().filter(e -> e.name().equals(args[0])).findFirst().orElse(null);
    if (entry == null) {
      System.err.println("error: no benchmark named " + args[0] + "\n" + usage());
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.stream().anyMatch(Main::isHelp)) {
      System.out.println("usage: bench/run " + entry.name() + " " + entry.options());
      return 0;
    }
    Benchmark benchmark;
    try {
      Options options = Options.parse(rest, entry.flags());
      benchmark = entry.create().apply(options);
      options.rejectUnread();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("usage: bench/run " + entry.name() + " " + entry.options());
      return 2;
    }
    try (Harness harness = Harness.open(entry.name())) {
      benchmark.run(harness);
      return 0;
    } catch (BenchFailure e) {
      System.err.println("FAILED: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("FAILED: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  private static boolean isHelp(String arg) {
    return arg.equals("-h") || arg.equals("--help");
  }

  private static String usage() {
    StringBuilder sb =
        new StringBuilder("usage: bench/run NAME [--option value]...; NAME is one of");
    for (Entry e : BENCHMARKS) {
      sb.append("\n  ").append(e.name()).append(' ').append(e.options());
    }
    sb.append("\n  chaos [--short] [--json FILE]   (not a benchmark: scripts/chaos runs it)");
    sb.append("\n  fleet-e2e [--json FILE]         (not a benchmark: scripts/fleet-e2e runs it)");
    return sb.toString();
  }
}
