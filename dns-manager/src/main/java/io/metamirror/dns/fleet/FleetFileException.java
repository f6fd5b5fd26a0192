package io.metamirror.dns.fleet;

import java.util.List;

/** A fleet file that cannot be used; the message lists every problem, each with line and field. */
public final class FleetFileException extends Exception {
  private final List<String> problems;

  FleetFileException(String file, List<String> problems) {
    super("fleet file " + file + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
