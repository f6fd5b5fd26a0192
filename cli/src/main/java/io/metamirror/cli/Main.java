package io.metamirror.cli;

import io.metamirror.cli.config.ConfigCheckCommand;
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
    ConfigDefaults defaults = ConfigDefaults.of(env, args).knowing(optionKeys(cli));
    cli.setDefaultValueProvider(defaults);
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    cli.setExecutionStrategy(
        parseResult -> {
          // With --help anywhere, picocli accepts unknown words ("region add --help") and would
          // print the root's help with exit 0: an unknown command is a usage error, help or not.
          CommandLine.ParseResult deepest = parseResult;
          while (deepest.hasSubcommand()) {
            deepest = deepest.subcommand();
          }
          if (!deepest.unmatched().isEmpty()) {
            return unknown(deepest.commandSpec().commandLine(), deepest.unmatched());
          }
          // --help and --version work even with a broken config file; nothing else does.
          Integer helpExit = CommandLine.executeHelpRequest(parseResult);
          if (helpExit != null) {
            return helpExit;
          }
          boolean checking = deepest.commandSpec().userObject() instanceof ConfigCheckCommand;
          if (!checking && defaults.problem() != null) {
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
          if (e instanceof CommandLine.UnmatchedArgumentException u) {
            return unknown(u.getCommandLine(), u.getUnmatched());
          }
          return usage.handleParseException(e, arguments);
        });
    cli.setExecutionExceptionHandler(new ExitCodes.ErrorReporter());
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    return cli;
  }

  /**
   * Reports words the command line does not know, exit 2: "unknown command" when the command takes
   * subcommands and the first word is not an option, with picocli's suggestions and where to look.
   */
  private static int unknown(CommandLine command, java.util.List<String> unmatched) {
    java.io.PrintWriter err = command.getErr();
    String first = unmatched.get(0);
    String name = command.getCommandSpec().qualifiedName();
    if (!command.getSubcommands().isEmpty() && !first.startsWith("-")) {
      err.println("metamirror: unknown command '" + first + "' for '" + name + "'");
      java.util.List<String> close =
          new CommandLine.UnmatchedArgumentException(command, unmatched).getSuggestions();
      if (!close.isEmpty()) {
        err.println("Did you mean: " + String.join(", ", close) + "?");
      }
    } else {
      err.println(
          "metamirror: unknown "
              + (first.startsWith("-") ? "option" : "argument")
              + " '"
              + first
              + "' for '"
              + name
              + "'");
    }
    err.println("Run '" + name + " --help' for the commands and options.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /**
   * The problems {@code config check} reports before it parses: the file unreadable or not YAML, or
   * keys that are options of no command ({@code target} null) or not of {@code target}.
   */
  public static java.util.List<String> unknownConfigKeys(
      CommandLine root, java.nio.file.Path file, CommandLine.Model.CommandSpec target) {
    ConfigDefaults defaults = ConfigDefaults.of(java.util.Map.of(), "--config", file.toString());
    RuntimeException unusable = defaults.problem();
    if (unusable != null) {
      return java.util.List.of(unusable.getMessage());
    }
    java.util.Set<String> known = optionKeys(root);
    if (target != null) {
      known = new java.util.TreeSet<>();
      for (CommandLine.Model.OptionSpec o : target.options()) {
        known.add(ConfigDefaults.key(o));
      }
    }
    return defaults.unknownKeys(known);
  }

  /** The config-file keys of every command: long option names without dashes. */
  static java.util.Set<String> optionKeys(CommandLine cli) {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    java.util.function.Consumer<CommandLine> add =
        c -> c.getCommandSpec().options().forEach(o -> keys.add(ConfigDefaults.key(o)));
    add.accept(cli);
    forEachSubcommand(cli, add);
    keys.removeAll(java.util.Set.of("help", "version", "config"));
    return keys;
  }

  private static void forEachSubcommand(
      CommandLine cli, java.util.function.Consumer<CommandLine> action) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      action.accept(sub);
      forEachSubcommand(sub, action);
    }
  }
}
