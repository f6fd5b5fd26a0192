package io.metamirror.bench.harness;

import java.io.IOException;

/**
 * A benchmark cannot go on: an HTTP error, a failed check, a tool that exited non-zero. The run
 * stops without a table, since figures from a run that served wrong bytes would mislead.
 */
public final class BenchFailure extends IOException {
  private static final long serialVersionUID = 1L;

  public BenchFailure(String message) {
    super(message);
  }

  /** The start of a long answer or log, enough to say what went wrong. */
  public static String abbreviate(String text) {
    return text.length() > 500 ? text.substring(0, 500) + "…" : text;
  }
}
