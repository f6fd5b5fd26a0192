package io.metamirror.cli.config;

import io.metamirror.cli.ExitCodes;
import io.metamirror.cli.MetamirrorCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metamirror config check --config FILE [--for SERVICE]}: every key must be an option of
 * some command (of the service's command with {@code --for}), and with {@code --for} the file must
 * give that command everything it needs, each value of the right type, exactly as the service would
 * read it at start (the environment's {@code METAMIRROR_*} values included).
 */
@Command(
    name = "check",
    description = {
      "Check a configuration file as a service would read it: unknown keys (a typo is otherwise"
          + " ignored by no one), and with --for, values of the wrong type and required options"
          + " missing. Exit 0 when it is usable, 2 with one line per problem otherwise.",
      "Services and their commands: mirror = mirror serve, origin = origin serve, dns = dns watch,"
          + " sync = sync."
    })
public final class ConfigCheckCommand implements Callable<Integer> {
  /** The command each {@code --for} value names, as words of the command line. */
  static final Map<String, List<String>> SERVICES =
      Map.of(
          "mirror", List.of("mirror", "serve"),
          "origin", List.of("origin", "serve"),
          "dns", List.of("dns", "watch"),
          "sync", List.of("sync"));

  @Spec CommandSpec spec;

  @Option(
      names = "--for",
      paramLabel = "SERVICE",
      description = "mirror, origin, dns or sync: check the file for that service's command.")
  String service;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = ((MetamirrorCommand) spec.root().userObject()).config();
    if (file == null) {
      throw new ExitCodes.UsageError("missing --config FILE (the file to check)");
    }
    if (!Files.isRegularFile(file)) {
      throw new ExitCodes.UserError("config file not found: " + file);
    }
    if (service != null && !SERVICES.containsKey(service)) {
      throw new ExitCodes.UsageError(
          "--for " + service + ": not a service; one of " + String.join(", ", SERVICES.keySet()));
    }
    List<String> problems = new ArrayList<>();
    CommandLine target = service == null ? null : command(spec.root().commandLine());
    problems.addAll(
        io.metamirror.cli.Main.unknownConfigKeys(
            spec.root().commandLine(), file, target == null ? null : target.getCommandSpec()));
    if (target != null && problems.isEmpty()) {
      List<String> args = new ArrayList<>(SERVICES.get(service));
      args.add("--config");
      args.add(file.toString());
      try {
        io.metamirror.cli.Main.commandLine(System.getenv(), args.toArray(String[]::new))
            .parseArgs(args.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        problems.add("config file " + file + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("metamirror: " + p));
      err.flush();
      return 2;
    }
    out.println(
        file
            + ": ok"
            + (service == null
                ? " (every key is an option of some command; --for checks values)"
                : " for " + String.join(" ", SERVICES.get(service))));
    return 0;
  }

  private CommandLine command(CommandLine root) {
    CommandLine c = root;
    for (String word : SERVICES.get(service)) {
      c = c.getSubcommands().get(word);
    }
    return c;
  }
}
