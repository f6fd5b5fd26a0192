package io.metamirror.origin.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionParserTest {

  @ParameterizedTest(name = "normalize({0}) = {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1.0.0                 | 1.0.0.0
          1.2                   | 1.2.0.0
          1                     | 1.0.0.0
          0                     | 0.0.0.0
          1.2.3.4               | 1.2.3.4
          v1.0.0                | 1.0.0.0
          V1.0.0                | 1.0.0.0
          v2.0.0-beta1          | 2.0.0.0-beta1
          1.0.0-RC2             | 1.0.0.0-RC2
          1.0.0-rc1             | 1.0.0.0-RC1
          1.0.0RC1dev           | 1.0.0.0-RC1-dev
          1.0.0-rC15-dev        | 1.0.0.0-RC15-dev
          1.0.0.RC.15-dev       | 1.0.0.0-RC15-dev
          10.4.13-beta          | 10.4.13.0-beta
          10.4.13beta2          | 10.4.13.0-beta2
          10.4.13beta.2         | 10.4.13.0-beta2
          10.4.13-b             | 10.4.13.0-beta
          10.4.13-b5            | 10.4.13.0-beta5
          v1.13.11-beta.0       | 1.13.11.0-beta0
          1.0.0-alpha           | 1.0.0.0-alpha
          1.0.0-a3              | 1.0.0.0-alpha3
          1.0.0_alpha2          | 1.0.0.0-alpha2
          1.0.0-p1              | 1.0.0.0-patch1
          1.0.0-pl2             | 1.0.0.0-patch2
          1.0.0-patch3          | 1.0.0.0-patch3
          1.0.0.pl3-dev         | 1.0.0.0-patch3-dev
          1.2-p.5+foo           | 1.2.0.0-patch5
          1.0.0-stable          | 1.0.0.0
          1.0-dev               | 1.0.0.0-dev
          1.0.0-beta.5+foo      | 1.0.0.0-beta5
          1.0.0+foo             | 1.0.0.0
          1.0.0+foo@dev         | 1.0.0.0
          1.0.0-alpha.3.1+foo   | 1.0.0.0-alpha3.1
          1.0.0-alpha-2.1-3+foo | 1.0.0.0-alpha2.1-3
          1.0.0@beta            | 1.0.0.0
          1.0.0 as 2.0.0        | 1.0.0.0
          00.01.03.04           | 00.01.03.04
          0700                  | 0700.0.0.0
          2010.01               | 2010.01.0.0
          2010.01.02            | 2010.01.02.0
          2010-01-02            | 2010.01.02
          2010-01-02.5          | 2010.01.02.5
          v20100102             | 20100102
          20100102-203040       | 20100102.203040
          20100102203040        | 20100102203040
          20100102-203040-p1    | 20100102.203040-patch1
          201903.0-p2           | 201903.0-patch2
          dev-master            | dev-master
          master                | dev-master
          trunk                 | dev-trunk
          dev-main              | dev-main
          DEV-FOOBAR            | dev-FOOBAR
          dev-feature/foo       | dev-feature/foo
          dev-feature+issue-1   | dev-feature+issue-1
          dev-main as 1.0.0     | dev-main
          1.x-dev               | 1.9999999.9999999.9999999-dev
          2.0.x-dev             | 2.0.9999999.9999999-dev
          v3.x-dev              | 3.9999999.9999999.9999999-dev
          2.*-dev               | 2.9999999.9999999.9999999-dev
          041.x-dev             | 041.9999999.9999999.9999999-dev
          ' 1.0.0'              | 1.0.0.0
          '1.0.0 '              | 1.0.0.0
          """)
  void normalizesLikeComposer(String input, String expected) {
    assertEquals(expected, VersionParser.normalize(input));
  }

  @ParameterizedTest(name = "normalize({0}) throws")
  @ValueSource(
      strings = {
        "",
        "a",
        "1.0.0-meh",
        "1.0.0.0.0",
        "feature-foo",
        "main",
        "1.0.0+foo bar",
        "1.0.1-SNAPSHOT",
        "1.0.0<1.0.5-dev",
        "foo bar-dev",
        "1.0 .2",
        "^1.0",
        "~1",
        "1.*",
        "20100102.0.3.4",
        "123456.0.0"
      })
  void refusesWhatComposerRefuses(String input) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VersionParser.normalize(input));
    assertEquals("invalid version string \"" + input.strip() + "\"", e.getMessage());
  }

  @ParameterizedTest(name = "branch {0}: normalized {1}, version {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          main        | dev-main                      | dev-main
          master      | dev-master                    | dev-master
          1.x         | 1.9999999.9999999.9999999-dev | 1.x-dev
          2.0.x       | 2.0.9999999.9999999-dev       | 2.0.x-dev
          2.0         | 2.0.9999999.9999999-dev       | 2.0.x-dev
          v2.0        | 2.0.9999999.9999999-dev       | v2.0.x-dev
          v3.x        | 3.9999999.9999999.9999999-dev | v3.x-dev
          4.X         | 4.9999999.9999999.9999999-dev | 4.x-dev
          1.2.3.4     | 1.2.3.4-dev                   | 1.2.3.4-dev
          feature/x   | dev-feature/x                 | dev-feature/x
          release-1.0 | dev-release-1.0               | dev-release-1.0
          """)
  void normalizesBranchesLikeComposer(String branch, String normalized, String version) {
    assertEquals(normalized, VersionParser.normalizeBranch(branch));
    assertEquals(version, VersionParser.branchVersion(branch));
    assertEquals(normalized, VersionParser.normalize(version), "the version reads back");
  }

  @ParameterizedTest(name = "stability({0}) = {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          1.0.0                         | stable
          1.0.0.0                       | stable
          1.0.0-stable                  | stable
          1.0.0-p1                      | stable
          1.0.0.0-patch2                | stable
          1.0.0-pl3                     | stable
          1.0.0-RC2                     | RC
          1.0.0.0-rc1                   | RC
          1.0.0-beta                    | beta
          2.0.0.0-beta1                 | beta
          1.0.0-b2                      | beta
          1.0.0-alpha3                  | alpha
          1.0.0-a1                      | alpha
          dev-main                      | dev
          1.x-dev                       | dev
          1.9999999.9999999.9999999-dev | dev
          1.0.0-beta1-dev               | dev
          1.0.0RC1dev                   | dev
          1.0.0-beta.5+build            | beta
          dev-main#abc123               | dev
          """)
  void parsesStabilityLikeComposer(String version, String stability) {
    assertEquals(stability, VersionParser.stability(version));
    assertEquals(stability.equals("dev"), VersionParser.isDev(version));
  }

  @Test
  void normalizedVersionsNormalizeToThemselves() {
    for (String v : new String[] {"1.0.0.0-beta1", "2.0.9999999.9999999-dev", "dev-main"}) {
      assertEquals(v, VersionParser.normalize(v));
    }
  }

  @Test
  void taggedReleaseIsNotDevButBranchIs() {
    assertFalse(VersionParser.isDev("1.0.0"));
    assertTrue(VersionParser.isDev("dev-feature/x"));
  }

  @Test
  void aVersionLongerThanPackagistsColumnIsRefusedBeforeAnyPatternRuns() {
    String longest = "dev-" + "b".repeat(VersionParser.MAX_LENGTH - 4);
    assertEquals(longest, VersionParser.normalize(longest));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> VersionParser.normalize("1".repeat(100_000)));
    assertEquals("a version of 100000 characters is too long (at most 191)", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev-ma\u0000in", "1.0.0\u0000", "\t1.0.0", "1.0.0\n", "dev-x\u007f"})
  void aControlCharacterAnywhereIsRefused(String input) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VersionParser.normalize(input));
    assertTrue(e.getMessage().startsWith("a version must not hold control characters (U+"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev-", "DEV-", " dev- "})
  void aBareDevPrefixIsRefused(String input) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VersionParser.normalize(input));
    assertEquals("\"dev-\" needs a branch name after it", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "1.x-dev, 1.9999999.9999999.9999999-dev",
    "2.0.*.dev, 2.0.9999999.9999999-dev",
    "v4.1.X-DEV, 4.1.9999999.9999999-dev"
  })
  void aNumericBranchWithADevSuffixNormalizesWithoutARegularExpression(
      String input, String normalized) {
    assertEquals(normalized, VersionParser.normalize(input));
  }
}
