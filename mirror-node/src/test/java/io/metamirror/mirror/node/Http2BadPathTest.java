package io.metamirror.mirror.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad request target is a 400 naming the broken rule on HTTP/2 as on HTTP/1.1, and costs an
 * HTTP/2 client neither the stream (no RST_STREAM) nor the connection that other requests share.
 */
class Http2BadPathTest {
  private static final byte[] PACKAGES = "{\"packages\":[]}".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path dir;
  static TestOrigin origin;
  static TestTls tls;
  static MirrorNode node;

  @BeforeAll
  static void node() throws Exception {
    origin = TestOrigin.start(dir.resolve("origin"));
    long head = origin.publish(Map.of("packages.json", PACKAGES));
    tls = TestTls.create(dir.resolve("tls"));
    node =
        TestNodes.startCaughtUp(TestNodes.config(origin.uri(), dir.resolve("n"), tls, "n"), head);
  }

  @AfterAll
  static void stop() throws IOException {
    TestNodes.closeAll(node, origin);
  }

  /** Targets as sent; {@code \u00c3\u00a9} goes out as the two raw bytes of UTF-8 "é". */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "raw space                     | /p2/a b.json",
        "raw double quote              | /p2/a\"b.json",
        "raw curly braces              | /p2/{a}.json",
        "raw backslash                 | /p2\\a.json",
        "raw non-ASCII bytes           | /p2/caf\u00c3\u00a9.json",
        "raw control character         | /p2/a\u0001b.json",
        "fragment                      | /packages.json#top",
        "invalid percent escape        | /p2/%zz.json",
        "truncated percent escape      | /packages.json%",
        "invalid escape in the query   | /packages.json?x=%zz",
        "percent-encoded invalid UTF-8 | /p2/%c0%af.json",
        "raw space in a directory      | /simple/a b/",
        "invalid escape in a directory | /simple/%zz/",
        "encoded dot-dot directory     | /%2e%2e/",
        "dot-dot below a directory     | /simple/%2e%2e/",
        "empty segment directory       | /simple//",
        "encoded slash in a directory  | /simple%2f/",
      })
  void badTargetIs400OnHttp2AsOnHttp11AndTheConnectionServesOn(String name, String target)
      throws Exception {
    RawTls.Response http11 = RawTls.get(tls.client(), node.port(), target);
    try (RawH2 h2 = RawH2.connect(tls.client(), node.port())) {
      RawH2.Response refused = h2.get(target);
      RawH2.Response next = h2.get("/packages.json");

      assertEquals(400, http11.status(), http11.toString());
      assertEquals(400, refused.status(), refused.toString());
      assertEquals(-1, refused.resetCode(), "the stream was reset: " + refused);
      assertFalse(refused.connectionLost(), refused.toString());
      assertTrue(refused.bodyText().contains("\"error\""), refused.toString());
      assertEquals(200, next.status(), "the same connection after the refusal: " + next);
      assertArrayEquals(PACKAGES, next.body());
    }
  }
}
