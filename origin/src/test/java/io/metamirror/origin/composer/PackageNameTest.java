package io.metamirror.origin.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"acme/foo", "acme-corp/foo.bar", "acme/foo--bar", "a1/b_2", "0/0", "a.b/c_d.e"})
  void acceptsComposerNames(String name) {
    assertEquals(Optional.empty(), PackageName.problem(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "acme",
        "acme/",
        "/foo",
        "acme/foo/bar",
        "acme/-foo",
        "acme/foo-",
        "acme/foo---bar",
        "ac--me/foo",
        "acme/foo..bar",
        "../foo",
        "acme/.foo",
        "acme/foo bar",
        "acme/foo~dev",
        "acme/föo",
        ""
      })
  void refusesWhatBreaksTheRule(String name) {
    String problem = PackageName.problem(name).orElseThrow();
    assertTrue(problem.startsWith("\"" + name + "\" is not a package name"), problem);
  }

  @Test
  void refusesUpperCaseReservedNamesAndJsonEnding() {
    assertEquals(
        Optional.of("\"Acme/Foo\" must be lower case: \"acme/foo\""),
        PackageName.problem("Acme/Foo"));
    assertTrue(PackageName.problem("acme/con").orElseThrow().contains("reserved"));
    assertTrue(PackageName.problem("lpt1/foo").orElseThrow().contains("reserved"));
    assertEquals(
        Optional.of("\"acme/foo.json\" must not end in .json"),
        PackageName.problem("acme/foo.json"));
    assertEquals(Optional.of("package name is missing"), PackageName.problem(null));
  }

  @Test
  void splitsIntoVendorAndName() {
    assertEquals("acme-corp", PackageName.vendor("acme-corp/foo.bar"));
    assertEquals("foo.bar", PackageName.name("acme-corp/foo.bar"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PackageName.vendor("acme"));
    assertTrue(e.getMessage().startsWith("\"acme\" is not a package name"));
  }

  @Test
  void aNameOfPackagistsColumnSizeIsTheLongestAccepted() {
    String longest = "acme/" + "a".repeat(PackageName.MAX_LENGTH - 5);
    assertEquals(Optional.empty(), PackageName.problem(longest));
    assertEquals(
        Optional.of("a package name of 300 characters is too long (at most 191)"),
        PackageName.problem("acme/" + "a".repeat(295)));
  }

  @Test
  void aControlCharacterInARefusedNameIsShownEscapedOnOneLine() {
    assertEquals(
        Optional.of(
            "\"acme/foo\\u000a\" is not a package name: it must match"
                + " ^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$ (vendor/name)"),
        PackageName.problem("acme/foo\n"));
  }
}
