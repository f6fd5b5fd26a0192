package io.metamirror.cli.fleet;

import io.metamirror.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code --yes}: the commands that change the fleet ask first on a terminal, refuse elsewhere. */
@Command
public final class YesOption {
  @Option(names = "--yes", description = "Run without asking (required when not on a terminal).")
  boolean yes;

  /** Returns when the user agreed (or gave --yes); a user error otherwise. */
  public void confirm(String question) {
    if (yes) {
      return;
    }
    java.io.Console console = System.console();
    String answer = console == null ? null : console.readLine(question + " [y/N] ");
    if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
      throw new ExitCodes.UserError("nothing done: run with --yes to go ahead");
    }
  }
}
