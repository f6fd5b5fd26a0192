package io.metamirror.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * One run of the command line in-process through {@link Main#commandLine}, with what it printed
 * captured from the command line's writers (never {@code System.out}) and its exit code: what a
 * user sees.
 */
public record Run(int exit, String out, String err) {
  /** Runs {@code args} with {@code env} as the environment the command line reads. */
  public static Run run(Map<String, String> env, String... args) {
    CommandLine cli = Main.commandLine(env, args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  public static Run run(String... args) {
    return run(Map.of(), args);
  }

  public List<String> errLines() {
    return err.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
