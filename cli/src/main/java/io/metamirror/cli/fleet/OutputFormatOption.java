package io.metamirror.cli.fleet;

import io.metamirror.cli.CommandOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code --output text|json} of the {@code region} and {@code fleet} commands. */
@Command
public final class OutputFormatOption {
  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default) or json: one JSON object on stdout.")
  String output;

  /** Whether JSON was asked for; a usage error (exit 2) for anything but text or json. */
  public boolean json(CommandOutput cli) {
    if (!output.equals("text") && !output.equals("json")) {
      throw cli.usageError("--output must be text or json, got " + output);
    }
    return output.equals("json");
  }
}
