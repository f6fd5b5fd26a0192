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
    // Subcommands mix in --version too; give them the root's answer.
    Versions versions = new Versions();
    forEachSubcommand(cli, c -> c.getCommandSpec().versionProvider(versions));
    ConfigDefaults defaults = ConfigDefaults.of(env, args);
    cli.setDefaultValueProvider(defaults);
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    cli.setExecutionStrategy(
        parseResult -> {
          // --help and --version work even with a broken config file; nothing else does.
          Integer helpExit = CommandLine.executeHelpRequest(parseResult);
          if (helpExit != null) {
            return helpExit;
          }
          if (defaults.problem() != null) {
            throw new CommandLine.ExecutionException(
                cli, defaults.problem().getMessage(), defaults.problem());
          }
          return runLast.execute(parseResult);
        });
    CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          // Options missing because the config file is unusable: say why, not which.
          if (defaults.problem() != null) {
            e.getCommandLine().getErr().println("metamirror: " + defaults.problem().getMessage());
            e.getCommandLine().getErr().flush();
            return ExitCodes.of(defaults.problem());
          }
          return usage.handleParseException(e, arguments);
        });
    cli.setExecutionExceptionHandler(new ExitCodes.ErrorReporter());
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    return cli;
  }

  private static void forEachSubcommand(
      CommandLine cli, java.util.function.Consumer<CommandLine> action) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      action.accept(sub);
      forEachSubcommand(sub, action);
    }
  }
}
