package io.metamirror.bench.harness;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of one benchmark. A benchmark reads the ones it knows, each with
 * its default; {@link #rejectUnread} then refuses any other, so a mistyped option fails the run
 * instead of silently measuring the default.
 */
public final class Options {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> read = new LinkedHashSet<>();

  private Options() {}

  /**
   * Parses {@code --name value} pairs; throws {@link IllegalArgumentException} on anything else.
   */
  public static Options parse(List<String> args) {
    return parse(args, Set.of());
  }

  /**
   * Parses {@code --name value} pairs, and the {@code flags} alone ({@code --short}: read as {@code
   * true} by {@link #bool}); throws {@link IllegalArgumentException} on anything else.
   */
  public static Options parse(List<String> args, Set<String> flags) {
    Options options = new Options();
    for (int i = 0; i < args.size(); i += 2) {
      String name = args.get(i);
      if (!name.startsWith("--") || name.length() == 2) {
        throw new IllegalArgumentException("expected an option --name, got " + name);
      }
      if (flags.contains(name.substring(2))) {
        options.values.put(name.substring(2), "true");
        i--;
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      options.values.put(name.substring(2), args.get(i + 1));
    }
    return options;
  }

  /** An integer of at least 1 ({@code 100_000} is accepted too). */
  public int positive(String name, int defaultValue) {
    int n = integer(name, defaultValue);
    if (n < 1) {
      throw new IllegalArgumentException("--" + name + " must be >= 1: " + n);
    }
    return n;
  }

  /** An integer of at least 0. */
  public int nonNegative(String name, int defaultValue) {
    int n = integer(name, defaultValue);
    if (n < 0) {
      throw new IllegalArgumentException("--" + name + " must be >= 0: " + n);
    }
    return n;
  }

  public long longValue(String name, long defaultValue) {
    String v = string(name, null);
    try {
      return v == null ? defaultValue : Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer: " + v);
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    String v = string(name, null);
    return v == null ? defaultValue : Boolean.parseBoolean(v);
  }

  /** The value, or {@code defaultValue} (which may be null) when the option is not given. */
  public String string(String name, String defaultValue) {
    read.add(name);
    return values.getOrDefault(name, defaultValue);
  }

  /** Fails on any option no benchmark code asked for. */
  public void rejectUnread() {
    for (String name : values.keySet()) {
      if (!read.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
  }

  private int integer(String name, int defaultValue) {
    long n = longValue(name, defaultValue);
    if (n != (int) n) {
      throw new IllegalArgumentException("--" + name + " is out of range: " + n);
    }
    return (int) n;
  }
}
