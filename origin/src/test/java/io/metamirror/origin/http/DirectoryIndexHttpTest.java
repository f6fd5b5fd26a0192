package io.metamirror.origin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metamirror.testsupport.origin.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PEP 503 {@code simple/} tree on the origin: directories answer with their index. */
class DirectoryIndexHttpTest {
  static final String PIP_ACCEPT =
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1,"
          + " text/html; q=0.01";
  static final String ROOT_HTML =
      "<!DOCTYPE html><html><body>"
          + "<a href=\"demo-pkg/\">demo-pkg</a><a href=\"other/\">other</a></body></html>";

  /** Over 1 KiB, so that it is gzipped (CompressedTypes.worthGzip); the other pages are not. */
  static final String DEMO_HTML =
      "<!DOCTYPE html><html><body>"
          + "<a href=\"../../packages/demo_pkg-1.0-py3-none-any.whl\">demo_pkg-1.0-py3-none-any.whl</a>\n"
              .repeat(16)
          + "</body></html>";

  static final String DEMO_JSON =
      "{\"meta\":{\"api-version\":\"1.0\"},\"name\":\"demo-pkg\",\"files\":[]}";
  static final String OTHER_HTML = "<!DOCTYPE html><html><body>other</body></html>";

  @TempDir Path data;
  TestOrigin origin;
  final HttpClient http = HttpClient.newHttpClient(); // follows no redirects

  @BeforeEach
  void startWithASimpleTree() throws Exception {
    origin = TestOrigin.start(data);
    Map<String, String> tree = new LinkedHashMap<>();
    tree.put("simple/index.html", ROOT_HTML);
    tree.put("simple/demo-pkg/index.html", DEMO_HTML);
    tree.put("simple/demo-pkg/index.json", DEMO_JSON);
    tree.put("simple/other/index.html", OTHER_HTML);
    origin.publish(tree, List.of());
  }

  @AfterEach
  void stop() throws IOException {
    origin.close();
  }

  HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(origin.uri().resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aDirectoryAnswersWithItsIndexHtml() throws Exception {
    HttpResponse<byte[]> root = get("simple/");
    assertEquals(200, root.statusCode(), text(root));
    assertEquals(ROOT_HTML, text(root));
    assertEquals("text/html; charset=utf-8", header(root, "Content-Type"));
    // Under 1 KiB nothing is gzipped: the answer varies by Accept only.
    assertEquals("Accept", header(root, "Vary"));
    assertEquals("Accept, Accept-Encoding", header(get("simple/demo-pkg/"), "Vary"));

    HttpResponse<byte[]> project = get("simple/other/");
    assertEquals(OTHER_HTML, text(project));
    assertEquals(header(get("simple/other/index.html"), "ETag"), header(project, "ETag"));
  }

  @Test
  void pipGetsTheJsonIndexWhenThePublisherProvidedOneAndTheHtmlOtherwise() throws Exception {
    HttpResponse<byte[]> json = get("simple/demo-pkg/", "Accept", PIP_ACCEPT);
    assertEquals(200, json.statusCode());
    assertEquals(DEMO_JSON, text(json));
    assertEquals("application/vnd.pypi.simple.v1+json", header(json, "Content-Type"));
    assertEquals("Accept", header(json, "Vary"));

    HttpResponse<byte[]> html = get("simple/other/", "Accept", PIP_ACCEPT);
    assertEquals(OTHER_HTML, text(html));
    assertEquals("text/html; charset=utf-8", header(html, "Content-Type"));

    assertEquals(DEMO_HTML, text(get("simple/demo-pkg/", "Accept", "text/html")));
  }

  @Test
  void headConditionalAndGzipBehaveAsForAFile() throws Exception {
    HttpResponse<byte[]> full = get("simple/demo-pkg/");
    String etag = header(full, "ETag");

    HttpResponse<byte[]> head = send("HEAD", "simple/demo-pkg/");
    assertEquals(200, head.statusCode());
    assertEquals(etag, header(head, "ETag"));
    assertEquals(String.valueOf(DEMO_HTML.length()), header(head, "Content-Length"));
    assertEquals(0, head.body().length);

    HttpResponse<byte[]> notModified = get("simple/demo-pkg/", "If-None-Match", etag);
    assertEquals(304, notModified.statusCode());
    HttpResponse<byte[]> since =
        get("simple/demo-pkg/", "If-Modified-Since", header(full, "Last-Modified"));
    assertEquals(304, since.statusCode());

    HttpResponse<byte[]> gzip = get("simple/demo-pkg/", "Accept-Encoding", "gzip");
    assertEquals("gzip", header(gzip, "Content-Encoding"));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
      assertEquals(DEMO_HTML, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aProjectWithoutTheSlashRedirectsToItsDirectory() throws Exception {
    HttpResponse<byte[]> r = get("simple/demo-pkg");
    assertEquals(301, r.statusCode());
    assertEquals("demo-pkg/", header(r, "Location"));
    assertEquals(
        DEMO_HTML,
        text(get(origin.uri().resolve("simple/demo-pkg").resolve("demo-pkg/").getPath())));
    assertEquals("simple/", header(get("simple"), "Location"));
  }

  @Test
  void aPathWithoutAnIndexStaysNotFound() throws Exception {
    assertEquals(404, get("simple/missing/").statusCode());
    HttpResponse<byte[]> missing = get("simple/missing");
    assertEquals(404, missing.statusCode());
    assertNull(header(missing, "Location"));
    assertEquals(404, get("simple/demo-pkg/index.html/").statusCode());
  }
}
