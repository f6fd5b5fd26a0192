package io.metamirror.cli;

import picocli.CommandLine;

/** Entry point of the one runnable jar; see {@link MetamirrorCommand} for the command tree. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses and runs; returns the exit code instead of exiting, for tests. */
  public static int run(String... args) {
    // Undertow logs through jboss-logging; route it to the same backend as ours.
    System.setProperty("org.jboss.logging.provider", "slf4j");
    return commandLine(System.getenv(), args).execute(args);
  }

  /** The command line with its config sources; {@code args} are scanned for {@code --config}. */
  public static CommandLine commandLine(java.util.Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new MetamirrorCommand());
    cli.setDefaultValueProvider(ConfigDefaults.of(env, args));
    cli.setExecutionExceptionHandler(new ExitCodes.ErrorReporter());
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    return cli;
  }
}
