package io.metamirror.mirror.node;

import static io.metamirror.mirror.node.HttpsClient.header;
import static io.metamirror.mirror.node.HttpsClient.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A PEP 503 {@code simple/} tree through a node, answered alike from its store ({@code local}) and
 * through the origin fallback ({@code origin}) ({@link SyncedAndFallbackNodes}).
 */
class DirectoryIndexNodeTest {
  static final String PIP_ACCEPT =
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1,"
          + " text/html; q=0.01";
  static final String ROOT_HTML =
      "<!DOCTYPE html><html><body><a href=\"demo-pkg/\">demo-pkg</a></body></html>";
  static final String DEMO_HTML = demoHtml();
  static final String DEMO_JSON =
      "{\"meta\":{\"api-version\":\"1.0\"},\"name\":\"demo-pkg\",\"files\":[]}";
  static final String OTHER_HTML = "<!DOCTYPE html><html><body>other</body></html>";

  @TempDir static Path dir;
  static SyncedAndFallbackNodes nodes;

  /** Long enough that its gzip twin is smaller, so the store keeps one. */
  private static String demoHtml() {
    StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body>\n");
    for (int i = 0; i < 40; i++) {
      html.append("<a href=\"../../packages/demo_pkg-1.")
          .append(i)
          .append("-py3-none-any.whl\">demo_pkg-1.")
          .append(i)
          .append("-py3-none-any.whl</a><br>\n");
    }
    return html.append("</body></html>\n").toString();
  }

  @BeforeAll
  static void nodes() throws Exception {
    Map<String, byte[]> tree = new LinkedHashMap<>();
    tree.put("simple/index.html", utf8(ROOT_HTML));
    tree.put("simple/demo-pkg/index.html", utf8(DEMO_HTML));
    tree.put("simple/demo-pkg/index.json", utf8(DEMO_JSON));
    tree.put("simple/other/index.html", utf8(OTHER_HTML));
    nodes = SyncedAndFallbackNodes.start(dir, tree);
  }

  @AfterAll
  static void stop() throws IOException {
    nodes.close();
  }

  static MirrorNode node(String source) {
    return nodes.node(source);
  }

  static HttpResponse<byte[]> get(String source, String path, String... headers) throws Exception {
    HttpResponse<byte[]> r = nodes.testbed().client().get(node(source), path, headers);
    assertEquals(source, header(r, "X-Metamirror-Source"), path + " answered by");
    return r;
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "origin"})
  void aDirectoryAnswersWithItsIndexHtml(String source) throws Exception {
    HttpResponse<byte[]> root = get(source, "/simple/");
    assertEquals(200, root.statusCode(), text(root));
    assertEquals(ROOT_HTML, text(root));
    assertEquals("text/html; charset=utf-8", header(root, "Content-Type"));
    // Under 1 KiB nothing is gzipped (CompressedTypes.worthGzip): the answer varies by Accept only.
    assertEquals("Accept", header(root, "Vary"));

    HttpResponse<byte[]> project = get(source, "/simple/demo-pkg/");
    assertEquals(DEMO_HTML, text(project));
    assertEquals("Accept, Accept-Encoding", header(project, "Vary"));
    assertEquals(
        header(get(source, "/simple/demo-pkg/index.html"), "ETag"), header(project, "ETag"));

    RawTls.Response http11 =
        RawTls.get(nodes.testbed().tls().client(), node(source).port(), "/simple/");
    assertEquals(200, http11.status(), http11.toString());
    assertArrayEquals(utf8(ROOT_HTML), http11.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "origin"})
  void pipGetsTheJsonIndexWhereThePublisherProvidedOneAndTheHtmlElsewhere(String source)
      throws Exception {
    HttpResponse<byte[]> json = get(source, "/simple/demo-pkg/", "Accept", PIP_ACCEPT);
    assertEquals(200, json.statusCode(), text(json));
    assertEquals(DEMO_JSON, text(json));
    assertEquals("application/vnd.pypi.simple.v1+json", header(json, "Content-Type"));
    assertEquals("Accept", header(json, "Vary"));

    HttpResponse<byte[]> html = get(source, "/simple/other/", "Accept", PIP_ACCEPT);
    assertEquals(OTHER_HTML, text(html));
    assertEquals("text/html; charset=utf-8", header(html, "Content-Type"));
    assertEquals("Accept", header(html, "Vary"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "origin"})
  void headConditionalAndGzipBehaveAsForAFile(String source) throws Exception {
    HttpResponse<byte[]> full = get(source, "/simple/demo-pkg/");
    String etag = header(full, "ETag");

    HttpResponse<byte[]> head =
        nodes.testbed().client().send(node(source), "HEAD", "/simple/demo-pkg/");
    assertEquals(200, head.statusCode());
    assertEquals(etag, header(head, "ETag"));
    assertEquals(String.valueOf(DEMO_HTML.length()), header(head, "Content-Length"));
    assertEquals(0, head.body().length);

    assertEquals(304, get(source, "/simple/demo-pkg/", "If-None-Match", etag).statusCode());
    String lastModified = header(full, "Last-Modified");
    assertEquals(
        304, get(source, "/simple/demo-pkg/", "If-Modified-Since", lastModified).statusCode());

    HttpResponse<byte[]> gzip = get(source, "/simple/demo-pkg/", "Accept-Encoding", "gzip");
    assertEquals("gzip", header(gzip, "Content-Encoding"));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
      assertEquals(DEMO_HTML, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "origin"})
  void aProjectWithoutTheSlashRedirectsToItsDirectory(String source) throws Exception {
    HttpResponse<byte[]> r = get(source, "/simple/demo-pkg");
    assertEquals(301, r.statusCode(), text(r));
    assertEquals("demo-pkg/", header(r, "Location"));
    assertEquals("simple/", header(get(source, "/simple"), "Location"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "origin"})
  void aPathWithoutAnIndexStaysNotFound(String source) throws Exception {
    // A miss is always the origin's to answer.
    HttpResponse<byte[]> directory = nodes.testbed().client().get(node(source), "/simple/missing/");
    assertEquals(404, directory.statusCode());
    HttpResponse<byte[]> file = nodes.testbed().client().get(node(source), "/simple/missing");
    assertEquals(404, file.statusCode());
    assertNull(header(file, "Location"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
