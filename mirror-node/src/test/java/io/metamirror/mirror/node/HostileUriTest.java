package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests, sent byte for byte over a TLS socket: none reaches a file outside the store or
 * one of the store's own files, and none causes a 500. Refusals are 400 or 404 (DESIGN §5);
 * symlinks planted in the store are never followed, so a planted one reads as a local miss that the
 * origin answers with the real content.
 */
class HostileUriTest {
  private static final Set<Integer> REFUSED = Set.of(400, 404);
  private static final String SYSTEM_FILE_MARK = "root:";
  private static final String DOT_FILE_MARK = "planted-dot-file";

  @TempDir static Path dir;
  static TestOrigin origin;
  static TestTls tls;
  static MirrorNode node;
  static HttpsClient client;
  static Map<String, byte[]> files = new LinkedHashMap<>();

  /**
   * @param allowed the statuses a correct node may answer
   * @param servedBody what a 200 must carry, or null when 200 is not allowed
   */
  record Case(
      String name,
      String target,
      List<String> headerLines,
      Set<Integer> allowed,
      byte[] servedBody) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void nodeWithPlantedLinksAndDotFiles() throws Exception {
    files.put("packages.json", utf8("{\"packages\":[]}"));
    files.put("p2/acme/widget.json", TestPackages.metadata("acme/widget", 100));
    files.put("p2/acme/gadget.json", TestPackages.metadata("acme/gadget", 100));
    files.put("p2/etc/passwd", utf8("the origin's p2/etc/passwd, not the system's"));
    origin = TestOrigin.start(dir.resolve("origin"));
    long head = origin.publish(files);
    tls = TestTls.create(dir.resolve("tls"));
    Path store = dir.resolve("store");
    node = TestNodes.startCaughtUp(TestNodes.config(origin.uri(), store, tls, "n"), head);
    client = new HttpsClient(tls);

    assertTrue(
        Files.readString(Path.of("/etc/passwd")).contains(SYSTEM_FILE_MARK),
        "the symlink cases point at /etc/passwd and look for its " + SYSTEM_FILE_MARK + " line");
    // Links an attacker (or a careless operator) planted: none is in the manifest...
    Files.createSymbolicLink(store.resolve("evil.json"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(store.resolve("p2/evil"), Path.of("/etc"));
    Files.createSymbolicLink(store.resolve("p2/state"), store.resolve(".metamirror"));
    // ...and these replace content the manifest lists, file, twin and directory.
    Path widgetFile = store.resolve("p2/acme/widget.json");
    Files.delete(widgetFile);
    Files.createSymbolicLink(widgetFile, Path.of("/etc/passwd"));
    Path twin = store.resolve("p2/acme/widget.json.gz");
    Files.deleteIfExists(twin);
    Files.createSymbolicLink(twin, Path.of("/etc/passwd"));
    Path gadgetTwin = store.resolve("p2/acme/gadget.json.gz");
    Files.delete(gadgetTwin); // it must have been there: the gadget compresses well
    Files.createSymbolicLink(gadgetTwin, Path.of("/etc/passwd"));
    deleteTree(store.resolve("p2/etc"));
    Files.createSymbolicLink(store.resolve("p2/etc"), Path.of("/etc"));
    // A directory outside the store with an index.html, linked in; an index.html linked in.
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("index.html"), SYSTEM_FILE_MARK + " outside the store");
    Files.createSymbolicLink(store.resolve("p2/linked"), outside);
    Files.createDirectories(store.resolve("p2/planted"));
    Files.createSymbolicLink(store.resolve("p2/planted/index.html"), Path.of("/etc/passwd"));
    // Dot-files are never content, whoever put them there.
    Files.writeString(store.resolve(".hidden.json"), DOT_FILE_MARK);
    Files.writeString(store.resolve("p2/.hidden.json"), DOT_FILE_MARK);
    Files.writeString(store.resolve(".x.json.tmp-123"), DOT_FILE_MARK);
    Files.writeString(store.resolve("p2/acme/.widget.json.tmp-5f1c"), DOT_FILE_MARK);
  }

  @AfterAll
  static void stop() throws IOException {
    TestNodes.closeAll(node, origin);
  }

  static Stream<Case> hostileRequests() {
    List<Case> c = new ArrayList<>();
    // Traversal, plain and encoded every way.
    refused(c, "dot-dot segments", "/../../../../etc/passwd");
    refused(c, "dot-dot inside a path", "/p2/../../etc/passwd");
    refused(c, "encoded dot-dot", "/%2e%2e/%2e%2e/etc/passwd");
    refused(c, "upper-case encoded dot-dot", "/%2E%2E/%2E%2E/etc/passwd");
    refused(c, "half-encoded dot-dot", "/.%2e/.%2e/etc/passwd");
    refused(c, "double-encoded dot-dot", "/%252e%252e/%252e%252e/etc/passwd");
    refused(c, "encoded slashes around dot-dot", "/a/%2F..%2F..%2Fetc/passwd");
    refused(c, "lower-case encoded slashes", "/p2%2f..%2f..%2fetc%2fpasswd");
    refused(c, "double-encoded slashes", "/..%252f..%252fetc%252fpasswd");
    refused(c, "raw backslashes", "/..\\..\\..\\etc\\passwd");
    refused(c, "encoded backslashes", "/..%5c..%5cetc%5cpasswd");
    refused(c, "encoded NUL after a real file", "/packages.json%00.txt");
    refused(c, "encoded NUL alone", "/%00");
    refused(c, "overlong UTF-8 dots", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd");
    refused(c, "overlong UTF-8 slashes", "/..%c0%af..%c0%afetc%c0%afpasswd");
    refused(
        c,
        "raw overlong UTF-8 bytes",
        "/\u00c0\u00ae\u00c0\u00ae/\u00c0\u00ae\u00c0\u00ae/etc/passwd");
    refused(c, "leading double slash", "//etc/passwd");
    refused(c, "empty segment", "/p2//acme/widget.json");
    refused(c, "trailing slash", "/p2/acme/");
    // Directory targets, answered with an index.html when the directory has one.
    refused(c, "directory dot-dot", "/p2/../");
    refused(c, "directory encoded dot-dot", "/%2e%2e/");
    refused(c, "directory encoded dot-dot below", "/p2/%2e%2e/");
    refused(c, "directory dot-dot then system directory", "/p2/../../etc/");
    refused(c, "directory empty segment", "/p2//");
    refused(c, "root double slash", "//");
    refused(c, "root triple slash", "///");
    refused(c, "directory dot segment", "/./");
    refused(c, "state directory", "/.metamirror/");
    refused(c, "state directory, encoded", "/%2emetamirror/");
    refused(c, "directory encoded slash", "/p2%2f/");
    refused(c, "symlinked directory to /etc", "/p2/evil/");
    refused(c, "symlinked directory with an index.html", "/p2/linked/");
    refused(c, "symlinked directory to the state directory", "/p2/state/");
    refused(c, "directory whose index.html is a symlink", "/p2/planted/");
    refused(c, "dot segment", "/./packages.json");
    refused(c, "path parameters around dot-dot", "/..;/..;/etc/passwd");
    refused(c, "path parameter on a real file", "/packages.json;x=1");
    refused(c, "absolute-form target with dot-dot", "https://127.0.0.1/../../etc/passwd");
    refused(c, "invalid percent escape", "/%zz");
    refused(c, "truncated percent escape", "/packages.json%");
    refused(c, "encoded control character", "/p2/%09acme.json");
    refused(c, "encoded DEL", "/p2/%7f.json");
    // The store's own files and anything dot-named.
    refused(c, "cursor", "/.metamirror/cursor");
    refused(c, "manifest", "/.metamirror/manifest");
    refused(c, "lock", "/.metamirror/lock");
    refused(c, "status file", "/.metamirror/status.json");
    refused(c, "staging directory", "/.metamirror/staging/");
    refused(c, "encoded dot of the state directory", "/%2emetamirror/cursor");
    refused(c, "state directory below the root", "/p2/.metamirror/cursor");
    refused(c, "dot-file at the root", "/.hidden.json");
    refused(c, "dot-file in a directory", "/p2/.hidden.json");
    refused(c, "temp-like file", "/.x.json.tmp-123");
    refused(c, "temp file beside content", "/p2/acme/.widget.json.tmp-5f1c");
    // Planted symlinks.
    refused(c, "symlink not in the manifest", "/evil.json");
    refused(c, "symlinked directory not in the manifest", "/p2/evil/passwd");
    refused(c, "symlink into the state directory", "/p2/state/cursor");
    served(c, "content file replaced by a symlink", "/p2/acme/widget.json", "p2/acme/widget.json");
    c.add(
        new Case(
            "content twin replaced by a symlink, gzip client",
            "/p2/acme/gadget.json",
            List.of("Accept-Encoding: gzip"),
            Set.of(200),
            files.get("p2/acme/gadget.json")));
    served(c, "content directory replaced by a symlink", "/p2/etc/passwd", "p2/etc/passwd");
    // Sizes.
    c.add(
        new Case(
            "path over 1024 bytes",
            "/p2/" + "a".repeat(1100) + ".json",
            List.of(),
            Set.of(400, 414),
            null));
    c.add(
        new Case(
            "request line over 16 KiB",
            "/p2/" + "a/".repeat(9000) + "x.json",
            List.of(),
            Set.of(400, 414, 431),
            null));
    c.add(
        new Case(
            "one header over 16 KiB",
            "/packages.json",
            List.of("X-Filler: " + "x".repeat(17 * 1024)),
            Set.of(400, 413, 431),
            null));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      many.add("X-Filler-" + i + ": " + "y".repeat(60));
    }
    c.add(
        new Case(
            "headers over 16 KiB in all", "/packages.json", many, Set.of(400, 413, 431), null));
    // A query or a fragment never becomes part of the path.
    served(c, "query string with dot-dot", "/packages.json?../../etc/passwd", "packages.json");
    served(c, "query string with an encoded slash", "/packages.json?x=%2F..%2F", "packages.json");
    return c.stream();
  }

  private static void refused(List<Case> cases, String name, String target) {
    cases.add(new Case(name, target, List.of(), REFUSED, null));
  }

  private static void served(List<Case> cases, String name, String target, String file) {
    cases.add(new Case(name, target, List.of(), Set.of(200), files.get(file)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileRequests")
  void hostileRequestNeverLeavesTheStoreAndNeverCauses500(Case c) throws Exception {
    RawTls.Response r =
        RawTls.get(tls.client(), node.port(), c.target(), c.headerLines().toArray(String[]::new));

    assertNotEquals(500, r.status(), r.toString());
    assertTrue(
        c.allowed().contains(r.status()),
        "status " + r.status() + " for " + c.target() + ":\n" + r);
    assertFalse(r.bodyText().contains(SYSTEM_FILE_MARK), r.toString());
    assertFalse(r.bodyText().contains(DOT_FILE_MARK), r.toString());
    assertFalse(r.bodyText().contains(origin.epoch()), "the store's state leaked:\n" + r);
    if (r.status() == 200) {
      assertArrayEquals(c.servedBody(), r.body(), r.toString());
    }
    String metrics = HttpsClient.text(client.get(node, "/.metamirror/metrics"));
    assertFalse(metrics.contains("status=\"500\""), "the node counted a 500:\n" + metrics);
  }

  @Test
  void getWithALargeBodyIsAnsweredWithoutReadingItAll() throws Exception {
    byte[] head =
        ("GET /packages.json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + (64L << 20)
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] someOfTheBody = new byte[1 << 20];

    RawTls.Response r = RawTls.exchange(tls.client(), node.port(), head, someOfTheBody);

    assertNotEquals(500, r.status(), r.toString());
    assertTrue(r.status() == 200 || (r.status() >= 400 && r.status() < 500), r.toString());
    if (r.status() == 200) {
      assertArrayEquals(files.get("packages.json"), r.body());
    }
    assertEquals(200, client.get(node, "/packages.json").statusCode());
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
