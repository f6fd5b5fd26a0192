package io.metamirror.origin.composer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of versions in a p2 file, newest first, on normalized versions:
 *
 * <pre>
 *   2.0.0.0-patch1, 2.0.0.0, 2.0.0.0-RC2, 2.0.0.0-RC1, 2.0.0.0-beta1, 2.0.0.0-alpha1, 2.0.0.0-dev,
 *   1.10.0.0, 1.9.9.1, 1.9.9.0, ..., dev-feature/a, dev-main
 * </pre>
 *
 * Numbered versions compare as PHP's {@code version_compare} does, which packagist.org sorts with:
 * parts numerically, then {@code dev < alpha < beta < RC < (final) < patch}. Versions PHP holds
 * equal ({@code 1.0.0.0-a1}, {@code 1.0.0.0-alpha1}) are ordered by their text so the order is
 * total.
 *
 * <p>Branches ({@code dev-*}) come after every numbered version, ordered by name. packagist.org
 * also puts them last, but orders them by release date with the default branch first, and sorts a
 * branch by its {@code extra.branch-alias}; neither is known from a version string, and Composer
 * does not depend on the order, so the name keeps the bytes deterministic.
 */
public final class VersionComparator {
  /** Newest first, the order p2 files list versions in. */
  public static final Comparator<String> NEWEST_FIRST = VersionComparator::newestFirst;

  private VersionComparator() {}

  private static int newestFirst(String a, String b) {
    boolean branchA = a.startsWith("dev-");
    boolean branchB = b.startsWith("dev-");
    if (branchA || branchB) {
      return branchA && branchB ? a.compareTo(b) : branchA ? 1 : -1;
    }
    int byVersion = phpVersionCompare(b, a);
    return byVersion != 0 ? byVersion : a.compareTo(b);
  }

  /**
   * PHP's {@code version_compare(a, b)}: -1, 0 or 1. Both are split into parts at {@code . - _ +}
   * and at every change between digits and other characters; numbers compare numerically; words by
   * rank ({@code dev} 0, {@code alpha}/{@code a} 1, {@code beta}/{@code b} 2, {@code RC}/ {@code
   * rc} 3, a number 4, {@code pl}/{@code p}/{@code patch} 5, anything else -6); when one runs out,
   * its next part is ranked against a number.
   */
  static int phpVersionCompare(String a, String b) {
    List<String> partsA = parts(a);
    List<String> partsB = parts(b);
    int n = Math.min(partsA.size(), partsB.size());
    for (int i = 0; i < n; i++) {
      int c = compareParts(partsA.get(i), partsB.get(i));
      if (c != 0) {
        return c;
      }
    }
    if (partsA.size() > n) {
      String next = partsA.get(n);
      return isNumber(next) ? 1 : Integer.signum(Integer.compare(rank(next), NUMBER_RANK));
    }
    if (partsB.size() > n) {
      String next = partsB.get(n);
      return isNumber(next) ? -1 : Integer.signum(Integer.compare(NUMBER_RANK, rank(next)));
    }
    return 0;
  }

  private static final int NUMBER_RANK = 4;
  private static final String[] WORD_PREFIXES = {
    "dev", "alpha", "a", "beta", "b", "RC", "rc", "pl", "p"
  };
  private static final int[] WORD_RANKS = {0, 1, 1, 2, 2, 3, 3, 5, 5};

  private static int compareParts(String a, String b) {
    boolean numA = isNumber(a);
    boolean numB = isNumber(b);
    if (numA && numB) {
      return Integer.signum(compareNumbers(a, b));
    }
    int rankA = numA ? NUMBER_RANK : rank(a);
    int rankB = numB ? NUMBER_RANK : rank(b);
    return Integer.signum(Integer.compare(rankA, rankB));
  }

  /** PHP matches word prefixes in this order, so "patch" ranks as "p" and "abc" as "a". */
  private static int rank(String word) {
    for (int i = 0; i < WORD_PREFIXES.length; i++) {
      if (word.startsWith(WORD_PREFIXES[i])) {
        return WORD_RANKS[i];
      }
    }
    return -6;
  }

  private static int compareNumbers(String a, String b) {
    String x = stripLeadingZeros(a);
    String y = stripLeadingZeros(b);
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }

  private static String stripLeadingZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }

  private static boolean isNumber(String part) {
    return !part.isEmpty() && isAsciiDigit(part.charAt(0));
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** PHP's canonical form, split: a separator at every non-alphanumeric and digit/word change. */
  private static List<String> parts(String version) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      boolean alnum = isAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alnum) {
        flush(part, parts);
      } else {
        if (part.length() > 0 && isAsciiDigit(part.charAt(part.length() - 1)) != isAsciiDigit(c)) {
          flush(part, parts);
        }
        part.append(c);
      }
    }
    flush(part, parts);
    return parts;
  }

  private static void flush(StringBuilder part, List<String> parts) {
    if (part.length() > 0) {
      parts.add(part.toString());
      part.setLength(0);
    }
  }
}
