package io.metamirror.origin.composer;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Composer's version rules, so the {@code version_normalized} we publish is the one a Composer
 * client would compute itself (composer/semver {@code VersionParser}).
 *
 * <pre>
 *   normalize("v2.0.0-beta.1")   = "2.0.0.0-beta1"
 *   normalize("1.0.0.pl3-dev")   = "1.0.0.0-patch3-dev"
 *   normalize("1.x-dev")         = "1.9999999.9999999.9999999-dev"
 *   normalize("2010-01-02")      = "2010.01.02"
 *   normalizeBranch("2.0.x")     = "2.0.9999999.9999999-dev"
 *   normalizeBranch("main")      = "dev-main"
 *   branchVersion("v3.x")        = "v3.x-dev"
 *   stability("1.0.0-RC2")       = "RC"
 * </pre>
 *
 * Regular expressions are Composer's own, so the odd corners (at most five digits in a classical
 * major version, dates with dashes, {@code "1.0.0-STABLE"} kept as {@code "-stable"}) come out the
 * same. Constraints ({@code ^1.0}, {@code 1.*}) are not versions and are rejected.
 *
 * <p>Publishers are not trusted: a version over {@value #MAX_LENGTH} characters (packagist.org's
 * column for a normalized version), one holding a control character and a bare {@code dev-} are
 * refused before any pattern runs, and every pattern is anchored or possessive, so parsing takes
 * time linear in the length.
 */
public final class VersionParser {
  public static final int MAX_LENGTH = 191;

  /** Composer's pre-release modifier: stability word, optional numbers, optional dev flag. */
  private static final String MODIFIER =
      "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?";

  private static final Pattern CLASSICAL =
      Pattern.compile(
          "^v?(\\d{1,5})(\\.\\d++)?(\\.\\d++)?(\\.\\d++)?" + MODIFIER + "$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern DATE =
      Pattern.compile(
          "^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)" + MODIFIER + "$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ALIAS = Pattern.compile("^([^,\\s]++) ++as ++([^,\\s]++)$");
  private static final Pattern STABILITY_FLAG =
      Pattern.compile("@(?:stable|RC|beta|alpha|dev)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern BUILD_METADATA = Pattern.compile("^([^,\\s+]++)\\+[^\\s]++$");
  private static final Pattern NUMERIC_BRANCH =
      Pattern.compile(
          "^v?(\\d++)(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern STABILITY_SUFFIX =
      Pattern.compile(MODIFIER + "(?:\\+.*)?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern WILDCARD_PARTS = Pattern.compile("(\\.9{7})+");

  private VersionParser() {}

  /**
   * Composer's {@code normalize}: four numeric parts plus an expanded stability suffix, or {@code
   * dev-<branch>} for a branch. An alias ({@code "1.0 as 2.0"}), a stability flag ({@code @dev})
   * and build metadata ({@code +build}) are dropped.
   *
   * @throws IllegalArgumentException {@code invalid version string "x"} when Composer would refuse
   *     the string, or naming the limit it breaks
   */
  public static String normalize(String version) {
    Objects.requireNonNull(version, "version");
    requireWithinLimits(version);
    String original = phpTrim(version);
    String v = original;

    Matcher alias = ALIAS.matcher(v);
    if (alias.matches()) {
      v = alias.group(1);
    }
    Matcher flag = STABILITY_FLAG.matcher(v);
    if (flag.find()) {
      v = v.substring(0, flag.start());
    }
    // Composer 1 accepted these bare branch names as versions; Composer 2 still does.
    if (v.equals("master") || v.equals("trunk") || v.equals("default")) {
      v = "dev-" + v;
    }
    if (v.regionMatches(true, 0, "dev-", 0, 4)) {
      if (v.length() == 4) {
        throw new IllegalArgumentException("\"dev-\" needs a branch name after it");
      }
      return "dev-" + v.substring(4);
    }
    Matcher build = BUILD_METADATA.matcher(v);
    if (build.matches()) {
      v = build.group(1);
    }

    Matcher m = CLASSICAL.matcher(v);
    if (m.matches()) {
      String numbers = m.group(1) + orZero(m.group(2)) + orZero(m.group(3)) + orZero(m.group(4));
      return withModifiers(numbers, m, 5);
    }
    m = DATE.matcher(v);
    if (m.matches()) {
      return withModifiers(m.group(1).replaceAll("\\D", "."), m, 2);
    }

    // "1.x-dev", "2.0.*-dev": a numeric branch. A non-numeric one needs the "dev-" prefix instead.
    if (v.regionMatches(true, v.length() - 3, "dev", 0, 3)) {
      String branch = normalizeBranch(withoutDevSuffix(v));
      if (!branch.contains("dev-")) {
        return branch;
      }
    }
    throw new IllegalArgumentException("invalid version string \"" + original + "\"");
  }

  /**
   * A VCS branch name as Composer normalizes it: numeric branches ({@code 1.x}, {@code v2.0},
   * {@code 3.*}) become a version with {@code 9999999} for every open part plus {@code -dev}; any
   * other name becomes {@code dev-<name>}.
   */
  public static String normalizeBranch(String branch) {
    Objects.requireNonNull(branch, "branch");
    String name = phpTrim(branch);
    Matcher m = NUMERIC_BRANCH.matcher(name);
    if (!m.matches()) {
      return "dev-" + name;
    }
    StringBuilder version = new StringBuilder();
    for (int i = 1; i <= 4; i++) {
      String part = m.group(i);
      version.append(part == null ? ".x" : part.replace('*', 'x').replace('X', 'x'));
    }
    return version.toString().replace("x", "9999999") + "-dev";
  }

  /**
   * The {@code version} Composer gives a branch's package: {@code "1.x"} → {@code "1.x-dev"},
   * {@code "2.0"} → {@code "2.0.x-dev"}, {@code "v2.0"} → {@code "v2.0.x-dev"} (Composer keeps a
   * leading {@code v}), {@code "main"} → {@code "dev-main"}.
   */
  public static String branchVersion(String branch) {
    String normalized = normalizeBranch(branch);
    if (normalized.startsWith("dev-")) {
      return "dev-" + branch;
    }
    String prefix = branch.startsWith("v") ? "v" : "";
    return prefix + WILDCARD_PARTS.matcher(normalized).replaceAll(".x");
  }

  /**
   * Composer's {@code parseStability}: {@code "stable"}, {@code "RC"}, {@code "beta"}, {@code
   * "alpha"} or {@code "dev"}. Patch releases ({@code -p1}, {@code -pl2}, {@code -patch3}) are
   * stable. Works on raw and normalized versions alike.
   */
  public static String stability(String version) {
    Objects.requireNonNull(version, "version");
    String v = version.replaceFirst("#.+$", "");
    if (v.startsWith("dev-") || v.endsWith("-dev")) {
      return "dev";
    }
    Matcher m = STABILITY_SUFFIX.matcher(v.toLowerCase(Locale.ROOT));
    if (!m.find()) {
      return "stable";
    }
    if (notEmpty(m.group(3))) {
      return "dev";
    }
    String word = m.group(1);
    if (word == null) {
      return "stable";
    }
    return switch (word) {
      case "beta", "b" -> "beta";
      case "alpha", "a" -> "alpha";
      case "rc" -> "RC";
      default -> "stable";
    };
  }

  /** Whether Composer treats the version as a dev version (a branch or a {@code -dev} build). */
  public static boolean isDev(String version) {
    return stability(version).equals("dev");
  }

  private static void requireWithinLimits(String version) {
    if (version.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a version of "
              + version.length()
              + " characters is too long (at most "
              + MAX_LENGTH
              + ")");
    }
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            String.format("a version must not hold control characters (U+%04X at %d)", (int) c, i));
      }
    }
  }

  /**
   * {@code "1.x-dev"} → {@code "1.x"}, {@code "2.0dev"} → {@code "2.0"}: Composer's {@code
   * (.*?)[.-]?dev$} without the regular expression, which is quadratic on a long string.
   */
  private static String withoutDevSuffix(String v) {
    int end = v.length() - 3;
    if (end > 0 && (v.charAt(end - 1) == '.' || v.charAt(end - 1) == '-')) {
      end--;
    }
    return v.substring(0, end);
  }

  private static String withModifiers(String numbers, Matcher m, int index) {
    String version = numbers;
    String word = m.group(index);
    if (notEmpty(word)) {
      // Case-sensitive on purpose, as in Composer: "-STABLE" is kept as "-stable".
      if (word.equals("stable")) {
        return version;
      }
      String digits = m.group(index + 1);
      version +=
          "-" + expandStability(word) + (digits == null ? "" : stripLeadingDotsAndDashes(digits));
    }
    if (notEmpty(m.group(index + 2))) {
      version += "-dev";
    }
    return version;
  }

  private static String expandStability(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "a" -> "alpha";
      case "b" -> "beta";
      case "p", "pl" -> "patch";
      case "rc" -> "RC";
      default -> lower;
    };
  }

  private static String orZero(String part) {
    return notEmpty(part) ? part : ".0";
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static String stripLeadingDotsAndDashes(String s) {
    int i = 0;
    while (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == '-')) {
      i++;
    }
    return s.substring(i);
  }

  /** PHP's trim(): only space, tab, newline, carriage return, NUL and vertical tab. */
  private static String phpTrim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && " \t\n\r\0\u000B".indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && " \t\n\r\0\u000B".indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }
}
