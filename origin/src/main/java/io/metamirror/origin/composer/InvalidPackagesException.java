package io.metamirror.origin.composer;

import java.util.List;

/** A publish or delete request that cannot be carried out; lists every problem found. */
public final class InvalidPackagesException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidPackagesException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
