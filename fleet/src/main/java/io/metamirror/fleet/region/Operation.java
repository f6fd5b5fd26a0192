package io.metamirror.fleet.region;

/** The region operations. */
public enum Operation {
  ADD,
  REPLACE,
  REMOVE;

  /** As on the command line. */
  public String command() {
    return "region " + name().toLowerCase(java.util.Locale.ROOT);
  }
}
