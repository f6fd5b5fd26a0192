package io.metamirror.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How a command speaks to its user: through its command line's writers, so tests capture the output
 * without touching {@code System.out}, and with usage errors that exit 2 (see {@link ExitCodes}).
 * Mixed into a command as {@code @Mixin CommandOutput cli}; it adds no options.
 */
@Command // picocli mixes in only annotated classes; this one adds nothing to the usage help
public final class CommandOutput {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  public PrintWriter out() {
    return command.commandLine().getOut();
  }

  public PrintWriter err() {
    return command.commandLine().getErr();
  }

  /** One progress line on stderr, shown at once: progress is read while the work goes on. */
  public void progress(String line) {
    err().println(line);
    err().flush();
  }

  /** A usage error of this command: its message, then the command's usage, and exit code 2. */
  public ParameterException usageError(String message) {
    return new ParameterException(command.commandLine(), message);
  }
}
