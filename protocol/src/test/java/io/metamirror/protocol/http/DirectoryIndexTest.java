package io.metamirror.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryIndexTest {
  /** What pip 23 sends (pip/_internal/index/collector.py). */
  private static final String PIP_ACCEPT =
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1,"
          + " text/html; q=0.01";

  @ParameterizedTest(name = "[{0}] prefers JSON: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "application/vnd.pypi.simple.v1+json                                           | true",
        "application/vnd.pypi.simple.latest+json                                       | true",
        "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01 | true",
        "text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.6                   | true",
        "text/html                                                                     | false",
        "*/*                                                                           | false",
        "application/vnd.pypi.simple.v1+json, */*                                      | false",
        "application/vnd.pypi.simple.v1+json;q=0.5, text/*                             | false",
        "application/vnd.pypi.simple.v1+json;q=0, text/html;q=0.1                      | false",
        "application/vnd.pypi.simple.v1+json;q=0                                       | false",
        "application/json                                                              | false",
        "application/vnd.pypi.simple.v1+html                                           | false",
        "''                                                                            | false"
      })
  void prefersJsonOnlyWhenWeightedAboveEveryHtmlForm(String accept, boolean json) {
    assertEquals(json, DirectoryIndex.prefersJson(accept), accept);
  }

  @Test
  void pipGetsJsonFirstAndHtmlWhenThereIsNoJson() {
    DirectoryIndex index = DirectoryIndex.of("simple/demo-pkg/", PIP_ACCEPT);
    assertEquals(ContentPath.parse("simple/demo-pkg"), index.directory());
    assertEquals(
        List.of(
            ContentPath.parse("simple/demo-pkg/index.json"),
            ContentPath.parse("simple/demo-pkg/index.html")),
        index.candidates());
    assertEquals(DirectoryIndex.PYPI_JSON, index.contentType(index.json()));
    assertEquals("text/html; charset=utf-8", index.contentType(index.html()));
  }

  @Test
  void aClientWithoutAcceptGetsOnlyTheHtml() {
    DirectoryIndex index = DirectoryIndex.of("simple/", (String) null);
    assertEquals(List.of(ContentPath.parse("simple/index.html")), index.candidates());
    assertEquals("text/html", index.upstreamAccept());
  }

  @Test
  void acceptLinesAreOneList() {
    DirectoryIndex index =
        DirectoryIndex.of("simple/", List.of("text/html;q=0.1", DirectoryIndex.PYPI_JSON));
    assertTrue(index.prefersJson());
    assertTrue(DirectoryIndex.prefersJson(index.upstreamAccept()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/",
        "//",
        "simple//",
        "../",
        "simple/../",
        "./",
        "simple/./",
        ".metamirror/",
        "a\\b/"
      })
  void aDirectoryObeysThePathRules(String target) {
    assertThrows(BadPathException.class, () -> DirectoryIndex.of(target, (String) null));
  }

  @Test
  void aDirectoryWhoseIndexPathWouldBeTooLongIsRefused() {
    String directory = "a".repeat(ContentPath.MAX_BYTES - 5) + "/";
    BadPathException e =
        assertThrows(BadPathException.class, () -> DirectoryIndex.of(directory, (String) null));
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    assertNull(DirectoryIndex.redirectingIndex(ContentPath.parse(directory.replace("/", ""))));
  }

  @Test
  void onlyATrailingSlashBelowTheRootNamesADirectory() {
    assertTrue(DirectoryIndex.isDirectory("/simple/"));
    assertEquals(false, DirectoryIndex.isDirectory("/"));
    assertEquals(false, DirectoryIndex.isDirectory("/simple"));
  }

  @Test
  void theRedirectIsRelativeToTheLastSegmentAndKeepsTheQuery() {
    assertEquals("demo-pkg/", DirectoryIndex.redirectLocation("/simple/demo-pkg", ""));
    assertEquals("demo-pkg/", DirectoryIndex.redirectLocation("https://h/simple/demo-pkg", null));
    assertEquals("caf%C3%A9/?x=1", DirectoryIndex.redirectLocation("/simple/caf%C3%A9", "x=1"));
    assertEquals("./a:b/", DirectoryIndex.redirectLocation("/simple/a:b", ""));
  }

  @Test
  void varyNamesAcceptBesideWhatTheFileVariesBy() {
    assertEquals("Accept", DirectoryIndex.varyWithAccept(null));
    assertEquals("Accept, Accept-Encoding", DirectoryIndex.varyWithAccept("Accept-Encoding"));
  }
}
