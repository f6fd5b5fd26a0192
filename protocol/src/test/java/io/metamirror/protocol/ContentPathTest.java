package io.metamirror.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentPathTest {

  /** Asserts that {@code path} is refused, by both entry points, with a message naming the rule. */
  private static void assertRefused(String path, String rule) {
    String problem = ContentPath.problem(path);
    assertNotNull(problem, "expected a problem for " + printable(path));
    assertTrue(
        problem.contains(rule),
        "problem for " + printable(path) + " should name '" + rule + "' but was: " + problem);
    BadPathException thrown = assertThrows(BadPathException.class, () -> ContentPath.parse(path));
    assertEquals(problem, thrown.getMessage());
  }

  private static void assertAccepted(String path) {
    assertNull(ContentPath.problem(path), "problem for " + printable(path));
    assertEquals(path, ContentPath.parse(path).value());
  }

  private static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .limit(60)
        .forEach(
            c -> {
              if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  @Test
  void emptyOrNullPathIsRefused() {
    assertRefused("", "path is empty");
    assertRefused(null, "path is empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/packages.json", "/p2/acme/widget.json", "//etc/passwd"})
  void absolutePathIsRefusedAsNotRelative(String path) {
    assertRefused(path, "must be relative (no leading '/')");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\\b", "\\etc\\passwd", "p2\\..\\x.json", "x.json\\"})
  void backslashIsRefused(String path) {
    assertRefused(path, "must not contain a backslash");
  }

  @Test
  void nulIsRefusedAsNul() {
    assertRefused("a\0b", "must not contain NUL");
    assertRefused("x.json\0.txt", "must not contain NUL");
    assertRefused("\0", "must not contain NUL");
  }

  static Stream<Arguments> controlCharacters() {
    return Stream.of(0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f)
        .map(c -> Arguments.of(c, "p2/a" + (char) (int) c + "b.json"));
  }

  @ParameterizedTest(name = "U+{0}")
  @MethodSource("controlCharacters")
  void controlCharacterIsRefusedAndEscapedInTheMessage(int c, String path) {
    assertRefused(path, "must not contain control characters");
    String problem = ContentPath.problem(path);
    assertTrue(
        problem.contains(String.format("\\u%04x", c)),
        "the message shows the character escaped: " + problem);
    assertFalse(problem.indexOf((char) c) >= 0, "the raw control character is not echoed");
  }

  @Test
  void firstCharacterAfterTheC1ControlsIsAccepted() {
    assertAccepted("p2/a" + (char) 0xa0 + "b.json"); // NO-BREAK SPACE is printable
  }

  @Test
  void unpairedSurrogatesAreRefused() {
    char high = '\uD83D';
    char low = '\uDE00';
    assertRefused("a" + high + "b", "unpaired surrogate");
    assertRefused("a" + low + "b", "unpaired surrogate");
    assertRefused("a" + high, "unpaired surrogate");
    assertRefused(String.valueOf(low), "unpaired surrogate");
    assertRefused("a" + low + high + "b", "unpaired surrogate"); // wrong order
    assertRefused("a" + high + high + low, "unpaired surrogate");
  }

  @Test
  void pairedSurrogatesAreAccepted() {
    assertAccepted("p2/emoji/" + new String(Character.toChars(0x1F600)) + ".json");
  }

  @Test
  void pathOfExactly1024AsciiBytesIsAccepted() {
    assertAccepted("a".repeat(1024));
    assertAccepted("p2/" + "b".repeat(1021));
  }

  @Test
  void pathOf1025BytesIsRefusedNamingTheLimitAndTheLength() {
    assertRefused("a".repeat(1025), "path is longer than 1024 bytes: 1025 bytes");
  }

  @Test
  void multiByteCharactersCountAsTheirUtf8Bytes() {
    String twoByte = "ü".repeat(512); // 512 chars, 1024 bytes
    String threeByte = "€".repeat(341) + "a"; // 342 chars, 1024 bytes
    String fourByte = new String(Character.toChars(0x1F600)).repeat(256); // 512 chars, 1024 bytes
    for (String atLimit : new String[] {twoByte, threeByte, fourByte}) {
      assertEquals(1024, atLimit.getBytes(StandardCharsets.UTF_8).length);
      assertAccepted(atLimit);
    }
    assertRefused(twoByte + "a", "path is longer than 1024 bytes: 1025 bytes");
    assertRefused(threeByte + "€", "path is longer than 1024 bytes: 1027 bytes");
    assertRefused(
        fourByte + new String(Character.toChars(0x1F600)),
        "path is longer than 1024 bytes: 1028 bytes");
    // Far fewer than 1024 chars, still too long.
    assertRefused("ü".repeat(600), "path is longer than 1024 bytes: 1200 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a//b", "a/", "p2/acme/", "p2//widget.json", "a/b//"})
  void emptySegmentIsRefused(String path) {
    assertRefused(path, "must not contain an empty segment");
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", "../x", "a/../../x", "a/./b", "a/..", "p2/acme/.", "./x"})
  void dotAndDotDotSegmentsAreRefused(String path) {
    assertRefused(path, "must not contain '.' or '..' segments");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {".hidden", "a/.git/x", "p2/.staging", ".metamirror/manifest.json", "a/...", "..x"})
  void segmentStartingWithADotIsRefused(String path) {
    assertRefused(path, "path segments must not start with '.'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "packages.json",
        "p2/acme/widget~dev.json",
        "p2/ünïcode/x.json",
        "p2/acme/widget..json",
        "a/b./c",
        "dir with space/file name.json",
        "p2/a-b_c@1.0+build/x%2e.json",
        "x"
      })
  void ordinaryPathsAreAccepted(String path) {
    assertAccepted(path);
  }

  @Test
  void firstBrokenRuleIsTheOneNamed() {
    // Leading slash is checked before segments, characters before length.
    assertRefused("/../x", "must be relative");
    assertRefused("a\\" + "b".repeat(2000), "backslash");
  }

  @Test
  void longPathIsAbbreviatedInTheMessage() {
    String problem = ContentPath.problem("..".repeat(5) + "/" + "x".repeat(500) + "//");
    assertTrue(problem.length() < 300, "message stays short: " + problem.length());
    assertTrue(problem.endsWith("…\""), problem);
  }

  @Test
  void resolveUnderStaysUnderTheRoot(@TempDir Path root) {
    for (String p : new String[] {"packages.json", "p2/acme/widget~dev.json", "a/b..c/d..", "x"}) {
      Path resolved = ContentPath.parse(p).resolveUnder(root);
      assertTrue(resolved.startsWith(root), resolved + " is under " + root);
      assertEquals(root.resolve(p), resolved);
    }
  }

  @Test
  void resolveUnderAnUnnormalisedRootStaysUnderThatRoot(@TempDir Path root) {
    Path unnormalised = root.resolve("sub").resolve("..").resolve("store");
    Path resolved = ContentPath.parse("p2/acme/widget.json").resolveUnder(unnormalised);
    assertEquals(root.resolve("store/p2/acme/widget.json"), resolved);
  }

  @Test
  void equalPathsAreEqualAndOrderedByValue() {
    assertEquals(ContentPath.parse("p2/a.json"), ContentPath.parse("p2/a.json"));
    assertEquals(
        ContentPath.parse("p2/a.json").hashCode(), ContentPath.parse("p2/a.json").hashCode());
    assertTrue(ContentPath.parse("a.json").compareTo(ContentPath.parse("b.json")) < 0);
    assertEquals("p2/a.json", ContentPath.parse("p2/a.json").toString());
  }
}
