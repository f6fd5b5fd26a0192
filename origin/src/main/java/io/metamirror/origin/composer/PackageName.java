package io.metamirror.origin.composer;

import io.metamirror.protocol.UntrustedJson;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Composer package name, {@code vendor/name}, as Composer's {@code ValidatingArrayLoader} and
 * packagist.org accept it for a published package:
 *
 * <pre>
 *   acme/foo, acme-corp/foo.bar, acme/foo--bar, a1/b_2     valid
 *   Acme/Foo                                               upper case
 *   acme, acme/-foo, acme/foo--, acme/foo/bar, acme/foo.json, con/foo   invalid
 * </pre>
 *
 * The rule is Composer's (see {@code RULE_TEXT}: vendor words joined by one of {@code _ . -}, a
 * slash, name words joined by {@code _}, {@code .}, {@code -} or {@code --}) plus its refusals of
 * upper case, Windows device names and a {@code .json} ending, and packagist.org's length limit
 * ({@value #MAX_LENGTH} characters, the size of its name column). Such a name can hold no {@code
 * ..}, no leading dot and no second slash, and is short enough to be a path below {@code p2/}.
 */
public final class PackageName {
  public static final int MAX_LENGTH = 191;

  private static final Pattern RULE =
      Pattern.compile(
          "^[a-z0-9](?:[_.-]?[a-z0-9]++)*+/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]++)*+$",
          Pattern.CASE_INSENSITIVE);
  private static final String RULE_TEXT =
      "^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$";
  // Device names Windows will not create a file or directory for.
  private static final Set<String> RESERVED =
      Set.of(
          "nul", "con", "prn", "aux", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
          "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

  private PackageName() {}

  /** What is wrong with the name, in one sentence naming it, or empty when it is valid. */
  public static Optional<String> problem(String name) {
    if (name == null) {
      return Optional.of("package name is missing");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of(
          "a package name of "
              + name.length()
              + " characters is too long (at most "
              + MAX_LENGTH
              + ")");
    }
    if (!RULE.matcher(name).matches()) {
      return Optional.of(
          UntrustedJson.quote(name)
              + " is not a package name: it must match "
              + RULE_TEXT
              + " (vendor/name)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (!lower.equals(name)) {
      return Optional.of("\"" + name + "\" must be lower case: \"" + lower + "\"");
    }
    int slash = name.indexOf('/');
    if (RESERVED.contains(name.substring(0, slash))
        || RESERVED.contains(name.substring(slash + 1))) {
      return Optional.of(
          "\"" + name + "\" uses a reserved name (nul, con, prn, aux, com1-9, lpt1-9)");
    }
    if (name.endsWith(".json")) {
      return Optional.of("\"" + name + "\" must not end in .json");
    }
    return Optional.empty();
  }

  /** {@code "acme/foo"} → {@code "acme"}. @throws IllegalArgumentException for an invalid name */
  public static String vendor(String name) {
    return requireValid(name).substring(0, name.indexOf('/'));
  }

  /** {@code "acme/foo"} → {@code "foo"}. @throws IllegalArgumentException for an invalid name */
  public static String name(String name) {
    return requireValid(name).substring(name.indexOf('/') + 1);
  }

  /**
   * The name itself when it is valid.
   *
   * @throws IllegalArgumentException with {@link #problem}'s message otherwise
   */
  public static String requireValid(String name) {
    problem(name)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
    return name;
  }
}
