package io.metamirror.cli;

import io.metamirror.origin.repository.DataDirectoryLockedException;
import io.metamirror.origin.repository.UnsupportedFormatException;
import picocli.CommandLine;

/** The exit code policy, in one place; the root command's help prints it. */
public final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int REFUSED = 3;

  static final String HELP =
      "%nExit codes:%n"
          + "  0  success%n"
          + "  1  failure (I/O error, origin unreachable or refusing, bad input data)%n"
          + "  2  usage error (unknown option, missing or invalid argument)%n"
          + "  3  refused: the data directory or store is in use by another process, or%n"
          + "     was written by a metamirror version with a different on-disk format, or the%n"
          + "     fleet is locked by another operator%n";

  private ExitCodes() {}

  static int of(Throwable e) {
    if (e instanceof CommandLine.ParameterException || e instanceof UsageError) {
      return USAGE;
    }
    if (e instanceof DataDirectoryLockedException
        || e instanceof UnsupportedFormatException
        || e instanceof io.metamirror.sync.store.StoreLockedException
        || e instanceof Refused) {
      return REFUSED;
    }
    return FAILED;
  }

  /** One clear line on stderr; the stack trace only with {@code --verbose}. */
  static final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
      // Not parseResult.hasMatchedOption: that misses --verbose after a subcommand and from the
      // config file or METAMIRROR_VERBOSE. The inherited option sets the root's field wherever
      // it is given.
      boolean verbose =
          cmd.getCommandSpec().root().userObject() instanceof MetamirrorCommand root
              && root.verbose;
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      cmd.getErr().println("metamirror: " + message);
      if (verbose) {
        e.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return of(e);
    }
  }

  /**
   * A usage error found after parsing (exit 2), e.g. an option that is required only when the
   * config file does not give it either.
   */
  public static final class UsageError extends RuntimeException {
    public UsageError(String message) {
      super(message);
    }
  }

  /** A failure whose message says everything the user needs; no stack trace is useful. */
  public static final class UserError extends RuntimeException {
    public UserError(String message) {
      super(message);
    }
  }

  /** Refused because someone else holds what the command needs (exit 3). */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }
}
