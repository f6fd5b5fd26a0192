package io.metamirror.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional {@code content} of a put in a feed page (issue 21: small files inline). */
class FeedPageInlineTest {
  private static final Epoch EPOCH = new Epoch("9f86d081884c7d659a2feaa0c55ad015");
  private static final byte[] WIDGET = utf8("{\"packages\":{\"acme/widget\":[]}}");
  private static final JournalEntry PUT =
      JournalEntry.put(
          7, ContentPath.parse("p2/acme/widget.json"), Sha256.of(WIDGET), WIDGET.length, 11);
  private static final JournalEntry DELETE =
      JournalEntry.delete(8, ContentPath.parse("p2/acme/old.json"), 11);

  @Test
  void inlineContentTravelsInsideThePutAndIsReadBack() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FeedPage.writeRaw(
        out, EPOCH, 8, List.of(PUT.toJson(), DELETE.toJson()), Arrays.asList(WIDGET, null));
    String json = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        json.contains(
            "\"time\":11,\"content\":\"" + Base64.getEncoder().encodeToString(WIDGET) + "\"}"),
        json);

    FeedPage page = FeedPage.read(new ByteArrayInputStream(out.toByteArray()));

    assertEquals(List.of(PUT, DELETE), page.entries());
    assertArrayEquals(WIDGET, page.inlineContent(7));
    assertNull(page.inlineContent(8));
    assertEquals(WIDGET.length, page.inlineBytes());
  }

  @Test
  void aReaderThatDoesNotKnowContentReadsTheSameEntry() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FeedPage(EPOCH, 8, List.of(PUT), Map.of(7L, WIDGET)).write(out);
    String json = out.toString(StandardCharsets.UTF_8);
    String entry = json.substring(json.indexOf("[") + 1, json.lastIndexOf("]"));
    // What an agent of before issue 21 does with each entry: JournalEntry.read, skipping "content".
    assertEquals(PUT, JournalEntry.parse(utf8(entry)));
  }

  @Test
  void aPrefixOfThePageKeepsTheInlineContentOfItsEntries() {
    FeedPage page = new FeedPage(EPOCH, 8, List.of(PUT, DELETE), Map.of(7L, WIDGET));
    FeedPage first = page.prefix(1);
    assertEquals(List.of(PUT), first.entries());
    assertArrayEquals(WIDGET, first.inlineContent(7));
  }

  @Test
  void contentOnADeleteIsRefused() {
    ProtocolException e =
        refused(
            "{\"seq\":8,\"op\":\"delete\",\"path\":\"p2/acme/old.json\",\"time\":11,"
                + "\"content\":\"e30=\"}");
    assertEquals("feed entry 8 (p2/acme/old.json): a delete carries no content", e.getMessage());
  }

  @Test
  void contentThatIsNotBase64IsRefused() {
    ProtocolException e = refused(put("\"not base64!\""));
    assertTrue(
        e.getMessage().startsWith("feed entry 7 (p2/acme/widget.json): content is not base64: "),
        e.getMessage());
  }

  @Test
  void contentThatIsNotAStringIsRefused() {
    ProtocolException e = refused(put("{\"x\":1}"));
    assertEquals("feed entry: content must be a base64 string", e.getMessage());
  }

  @Test
  void contentOverTheInlineLimitIsRefusedBeforeItIsDecoded() {
    byte[] big = new byte[FeedPage.INLINE_FILE_MAX + 1];
    ProtocolException e = refused(put("\"" + Base64.getEncoder().encodeToString(big) + "\""));
    assertEquals(
        "feed entry 7 (p2/acme/widget.json): inline content over the limit of 65536 bytes",
        e.getMessage());
  }

  @Test
  void aStringOverTheUntrustedJsonLimitIsRefusedByTheParser() {
    String huge = "A".repeat(UntrustedJson.MAX_STRING_CHARS + 4);
    IOException e =
        assertThrows(
            IOException.class,
            () -> FeedPage.read(new ByteArrayInputStream(utf8(page(put("\"" + huge + "\""))))));
    assertTrue(e.getMessage().contains("String value length"), e.getMessage());
  }

  private static String put(String content) {
    return "{\"seq\":7,\"op\":\"put\",\"path\":\"p2/acme/widget.json\",\"sha256\":\""
        + PUT.sha256().hex()
        + "\",\"size\":"
        + WIDGET.length
        + ",\"time\":11,\"content\":"
        + content
        + "}";
  }

  private static String page(String entry) {
    return "{\"format\":1,\"epoch\":\"" + EPOCH + "\",\"head\":8,\"entries\":[" + entry + "]}";
  }

  private static ProtocolException refused(String entry) {
    return assertThrows(
        ProtocolException.class, () -> FeedPage.read(new ByteArrayInputStream(utf8(page(entry)))));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
