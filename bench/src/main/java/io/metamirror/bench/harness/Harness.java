package io.metamirror.bench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What every benchmark runs on: a {@link Workspace}, the {@link ChildProcesses} it starts, the
 * project's launcher, and the {@link ResultTable} it fills. Opening it prints the machine and the
 * load average; {@link #finish} prints the table and the load average again; closing it, or the
 * JVM's shutdown (Ctrl-C, SIGTERM), stops every process and deletes the workspace.
 */
public final class Harness implements AutoCloseable {
  private final Path repository;
  private final Workspace workspace;
  private final ChildProcesses processes = new ChildProcesses();
  private final ResultTable results;
  private final String loadAtStart;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean finished;

  private Harness(String benchmark, Path repository, Workspace workspace) {
    this.repository = repository;
    this.workspace = workspace;
    this.results = new ResultTable(benchmark);
    this.loadAtStart = Machine.loadAverage();
  }

  /**
   * Opens a run of {@code benchmark}. The repository (where {@code ./metamirror} is) comes from the
   * system property {@code metamirror.root}, which bench/run sets, else the current directory.
   */
  public static Harness open(String benchmark) throws IOException {
    Path repository =
        Path.of(System.getProperty("metamirror.root", ".")).toAbsolutePath().normalize();
    if (!Files.isExecutable(repository.resolve("metamirror"))) {
      throw new BenchFailure(
          "no ./metamirror launcher in " + repository + ": run through bench/run");
    }
    Harness harness = new Harness(benchmark, repository, Workspace.create());
    Runtime.getRuntime().addShutdownHook(new Thread(harness::close, "bench-cleanup"));
    System.out.println(Machine.describe(harness.workspace.root()));
    System.out.println("load average at start: " + harness.loadAtStart);
    return harness;
  }

  public Workspace workspace() {
    return workspace;
  }

  /**
   * A metamirror command line through the project's launcher, so that each process gets the JVM
   * defaults a user gets for that command (a mirror node's heap, sync's collector); {@link
   * #javaOptions} adds to them.
   */
  public List<String> metamirror(String... args) {
    List<String> command = new ArrayList<>();
    command.add(repository.resolve("metamirror").toString());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The environment that passes the JVM options in {@code variable} (ORIGIN_JAVA_OPTS,
   * MIRROR_JAVA_OPTS, SYNC_JAVA_OPTS) to a process started through the launcher, which puts them
   * after its own defaults: the JVM takes the last of each option, so they win.
   */
  public static Map<String, String> javaOptions(String variable) {
    String options = System.getenv(variable);
    return Map.of("METAMIRROR_JAVA_OPTS", options == null ? "" : options.trim());
  }

  /**
   * How long the launcher's JVM takes to start and exit: the best of three {@code metamirror
   * --version}, with the JVM options in {@code variable}. Part of every command a benchmark times;
   * the first call also rebuilds the jar when a source is newer, so that no timed command does.
   */
  public double jvmStartSeconds(String variable) throws IOException, InterruptedException {
    processes.run(metamirror("--version"), javaOptions(variable), null);
    double best = Double.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      Stopwatch clock = Stopwatch.start();
      processes.run(metamirror("--version"), javaOptions(variable), null);
      best = Math.min(best, clock.seconds());
    }
    return best;
  }

  public ChildProcesses processes() {
    return processes;
  }

  /** Starts a server that is not metamirror (nginx, rsyncd), its output in {@code NAME.log}. */
  public Process startServer(String name, List<String> command) throws IOException {
    return processes.start(command, Map.of(), workspace.file(name + ".log"));
  }

  public ResultTable results() {
    return results;
  }

  /** Prints the title, the table and the load average at start and end; the run succeeded. */
  public void finish(String title) {
    finish(title, results::print);
  }

  /** The same with a table of the caller's own (the chaos run's). */
  public void finish(String title, Consumer<PrintStream> table) {
    System.out.println();
    System.out.println("== " + title + " ==");
    table.accept(System.out);
    System.out.printf(
        "load average at start / end: %s / %s; %d CPUs%n",
        loadAtStart, Machine.loadAverage(), Runtime.getRuntime().availableProcessors());
    finished = true;
  }

  /** Stops every process, then deletes the workspace (showing the logs' ends if not finished). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      processes.stopAll();
      workspace.close(!finished);
    }
  }
}
