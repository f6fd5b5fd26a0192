package io.metamirror.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON forms of {@link JournalEntry}, {@link FeedPage} and {@link Manifest}. */
class CodecTest {
  private static final Epoch EPOCH = new Epoch("9f86d081884c7d659a2feaa0c55ad015");
  private static final String SHA =
      "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
  private static final String OTHER_SHA =
      "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

  private static JournalEntry parse(String json) throws ProtocolException {
    return JournalEntry.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertParseRefused(String json, String fragment) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> parse(json));
    assertTrue(
        e.getMessage().contains(fragment),
        "message should contain '" + fragment + "' but was: " + e.getMessage());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- JournalEntry ----

  @Test
  void putEntryWritesTheDocumentedJsonAndParsesBackEqual() throws IOException {
    JournalEntry put =
        JournalEntry.put(
            7, ContentPath.parse("p2/acme/widget.json"), Sha256.parse(SHA), 812, 1763791335123L);
    String json = new String(put.toJson(), StandardCharsets.UTF_8);
    assertEquals(
        "{\"seq\":7,\"op\":\"put\",\"path\":\"p2/acme/widget.json\",\"sha256\":\""
            + SHA
            + "\",\"size\":812,\"time\":1763791335123}",
        json);
    assertEquals(put, parse(json));
  }

  @Test
  void deleteEntryHasNoSha256NorSizeAndParsesBackEqual() throws IOException {
    JournalEntry delete = JournalEntry.delete(8, ContentPath.parse("p2/acme/old.json"), 17L);
    String json = new String(delete.toJson(), StandardCharsets.UTF_8);
    assertEquals("{\"seq\":8,\"op\":\"delete\",\"path\":\"p2/acme/old.json\",\"time\":17}", json);
    JournalEntry back = parse(json);
    assertEquals(delete, back);
    assertEquals(JournalEntry.Op.DELETE, back.op());
    assertEquals(null, back.sha256());
  }

  @Test
  void unicodePathAndZeroSizeRoundTrip() throws IOException {
    JournalEntry put =
        JournalEntry.put(1, ContentPath.parse("p2/ünïcode/x.json"), Sha256.parse(SHA), 0, 0);
    assertFalse(new String(put.toJson(), StandardCharsets.UTF_8).contains("\n"));
    assertEquals(put, JournalEntry.parse(put.toJson()));
  }

  @Test
  void unknownFieldsAreIgnoredSoLaterVersionsMayAddSome() throws IOException {
    JournalEntry e =
        parse(
            "{\"seq\":3,\"extra\":{\"nested\":[1,2,{\"x\":null}]},\"op\":\"delete\","
                + "\"path\":\"a.json\",\"time\":5,\"later\":true}");
    assertEquals(JournalEntry.delete(3, ContentPath.parse("a.json"), 5), e);
  }

  @Test
  void parserRefusesAMissingOrInvalidSeq() {
    assertParseRefused(
        "{\"op\":\"delete\",\"path\":\"a.json\",\"time\":1}", "missing or invalid seq");
    assertParseRefused(
        "{\"seq\":0,\"op\":\"delete\",\"path\":\"a.json\",\"time\":1}", "missing or invalid seq");
    assertParseRefused(
        "{\"seq\":-4,\"op\":\"delete\",\"path\":\"a.json\",\"time\":1}", "missing or invalid seq");
    assertParseRefused(
        "{\"seq\":\"3\",\"op\":\"delete\",\"path\":\"a.json\",\"time\":1}",
        "seq must be an integer");
  }

  @Test
  void parserRefusesAMissingOp() {
    assertParseRefused(
        "{\"seq\":3,\"path\":\"a.json\",\"time\":1}", "journal entry 3: op must be put or delete");
  }

  @Test
  void parserRefusesAnUnknownOpNamingIt() {
    assertParseRefused(
        "{\"seq\":3,\"op\":\"move\",\"path\":\"a.json\",\"time\":1}",
        "journal entry 3: op must be put or delete: move");
    assertParseRefused(
        "{\"seq\":3,\"op\":\"PUT\",\"path\":\"a.json\",\"sha256\":\""
            + SHA
            + "\",\"size\":1,"
            + "\"time\":1}",
        "op must be put or delete: PUT");
  }

  @Test
  void parserRefusesAMissingTime() {
    assertParseRefused(
        "{\"seq\":3,\"op\":\"delete\",\"path\":\"a.json\"}", "journal entry 3: missing time");
  }

  @Test
  void parserRefusesAPutWithoutSha256OrSize() {
    assertParseRefused(
        "{\"seq\":3,\"op\":\"put\",\"path\":\"a.json\",\"size\":1,\"time\":1}",
        "journal entry 3: a put needs sha256 and size");
    assertParseRefused(
        "{\"seq\":3,\"op\":\"put\",\"path\":\"a.json\",\"sha256\":\"" + SHA + "\",\"time\":1}",
        "journal entry 3: a put needs sha256 and size");
  }

  @Test
  void parserRefusesABadSha256OrPathNamingTheRule() {
    assertParseRefused(
        "{\"seq\":3,\"op\":\"put\",\"path\":\"a.json\",\"sha256\":\""
            + SHA.toUpperCase()
            + "\",\"size\":1,\"time\":1}",
        "journal entry 3: sha256 must be 64 lowercase hex digits");
    assertParseRefused(
        "{\"seq\":3,\"op\":\"delete\",\"path\":\"../etc/passwd\",\"time\":1}",
        "journal entry 3: path must not contain '.' or '..' segments");
    assertParseRefused(
        "{\"seq\":3,\"op\":\"delete\",\"time\":1}", "journal entry 3: path is empty");
  }

  @Test
  void parserRefusesWhatIsNotOneJsonObject() {
    assertParseRefused("[1,2]", "journal entry is not a JSON object");
    assertParseRefused(
        "{\"seq\":3,\"op\":\"delete\",\"path\":\"a.json\",\"time\":1} {}",
        "trailing data after journal entry");
    assertParseRefused("{\"seq\":3,\"op\":", "journal entry is not valid JSON");
  }

  // ---- FeedPage ----

  private static List<JournalEntry> twoEntries() {
    return List.of(
        JournalEntry.put(7, ContentPath.parse("p2/acme/widget.json"), Sha256.parse(SHA), 812, 11),
        JournalEntry.delete(8, ContentPath.parse("p2/acme/old.json"), 11));
  }

  @Test
  void feedPageRoundTrips() throws IOException {
    FeedPage page = new FeedPage(EPOCH, 8, twoEntries());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    page.write(out);
    assertEquals(page, FeedPage.read(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void rawFeedPageReadsLikeTheWrittenOne() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FeedPage.writeRaw(out, EPOCH, 9, twoEntries().stream().map(JournalEntry::toJson).toList());
    String json = out.toString(StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"format\":1,\"epoch\":\"" + EPOCH + "\",\"head\":9,"), json);
    assertEquals(
        new FeedPage(EPOCH, 9, twoEntries()),
        FeedPage.read(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void emptyFeedPageRoundTrips() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FeedPage.writeRaw(out, EPOCH, 0, List.of());
    FeedPage page = FeedPage.read(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(0, page.head());
    assertEquals(List.of(), page.entries());
  }

  @ParameterizedTest
  @CsvSource({"2, 2", "0, 0", "99, 99"})
  void feedPageOfAnotherFormatIsRefusedNamingTheVersion(int format, String named) {
    String json =
        "{\"format\":" + format + ",\"epoch\":\"" + EPOCH + "\",\"head\":0,\"entries\":[]}";
    ProtocolException e = feedPageRefused(json);
    assertEquals(
        "feed page format " + named + " is not supported (this version reads 1)", e.getMessage());
  }

  @Test
  void feedPageWithoutFormatIsRefused() {
    String json = "{\"epoch\":\"" + EPOCH + "\",\"head\":0,\"entries\":[]}";
    ProtocolException e = feedPageRefused(json);
    assertTrue(e.getMessage().contains("feed page format null is not supported"), e.getMessage());
  }

  @Test
  void feedPageMissingHeadOrWithABadEpochIsRefused() {
    String noHead = "{\"format\":1,\"epoch\":\"" + EPOCH + "\",\"entries\":[]}";
    ProtocolException e = feedPageRefused(noHead);
    assertEquals("feed page: epoch, head and entries are required", e.getMessage());

    String badEpoch = "{\"format\":1,\"epoch\":\"NOT-AN-EPOCH\",\"head\":0,\"entries\":[]}";
    e = feedPageRefused(badEpoch);
    assertTrue(e.getMessage().contains("epoch must be 32 lowercase hex digits"), e.getMessage());
  }

  @Test
  void feedPageWithABadEntryIsRefusedNamingTheEntry() {
    String json =
        "{\"format\":1,\"epoch\":\""
            + EPOCH
            + "\",\"head\":1,\"entries\":[{\"seq\":1,\"op\":\"delete\",\"path\":\"a/../b\","
            + "\"time\":1}]}";
    ProtocolException e = feedPageRefused(json);
    assertTrue(e.getMessage().contains("journal entry 1: path must not contain"), e.getMessage());
  }

  /** Reading {@code json} as a feed page fails; returns the failure, for its message. */
  private static ProtocolException feedPageRefused(String json) {
    return assertThrows(
        ProtocolException.class, () -> FeedPage.read(new ByteArrayInputStream(utf8(json))));
  }

  // ---- Manifest ----

  /** Reading {@code json} as a manifest fails; returns the failure, for its message. */
  private static ProtocolException manifestRefused(String json) {
    return assertThrows(
        ProtocolException.class, () -> Manifest.read(new ByteArrayInputStream(utf8(json))));
  }

  private static Manifest manifest() {
    return new Manifest(
        EPOCH,
        1200,
        List.of(
            new Manifest.File(
                ContentPath.parse("p2/acme/widget.json"), Sha256.parse(SHA), 812, 7, 7),
            new Manifest.File(
                ContentPath.parse("packages.json"), Sha256.parse(OTHER_SHA), 301, 1200, 1200)));
  }

  @Test
  void manifestRoundTripsWithoutClosingTheStreamsItIsGiven() throws IOException {
    boolean[] outClosed = {false};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    manifest()
        .write(
            new FilterOutputStream(bytes) {
              @Override
              public void close() {
                outClosed[0] = true;
              }
            });
    assertFalse(outClosed[0], "the manifest is one member of an archive; its writer stays open");

    boolean[] inClosed = {false};
    InputStream in =
        new FilterInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
          @Override
          public void close() {
            inClosed[0] = true;
          }
        };
    assertEquals(manifest(), Manifest.read(in));
    assertFalse(inClosed[0], "reading the manifest leaves the archive stream open");
  }

  @Test
  void manifestOfAnotherFormatIsRefusedNamingTheVersion() {
    String json = "{\"format\":2,\"epoch\":\"" + EPOCH + "\",\"seq\":0,\"files\":[]}";
    ProtocolException e = manifestRefused(json);
    assertEquals("manifest format 2 is not supported (this version reads 1)", e.getMessage());
  }

  @Test
  void manifestWithAHostilePathIsRefused() {
    String json =
        "{\"format\":1,\"epoch\":\""
            + EPOCH
            + "\",\"seq\":1,\"files\":[{\"path\":\"../../etc/passwd\",\"sha256\":\""
            + SHA
            + "\",\"size\":1,\"time\":1,\"seq\":1}]}";
    ProtocolException e = manifestRefused(json);
    assertTrue(
        e.getMessage().startsWith("manifest: path must not contain '.' or '..' segments"),
        e.getMessage());
  }

  @Test
  void manifestFileWithoutSizeOrSha256IsRefused() {
    String noSize =
        "{\"format\":1,\"epoch\":\""
            + EPOCH
            + "\",\"seq\":1,\"files\":[{\"path\":\"a.json\",\"sha256\":\""
            + SHA
            + "\",\"time\":1}]}";
    ProtocolException e = manifestRefused(noSize);
    assertEquals("manifest: file a.json needs size, time and seq", e.getMessage());

    String noSha =
        "{\"format\":1,\"epoch\":\""
            + EPOCH
            + "\",\"seq\":1,\"files\":[{\"path\":\"a.json\",\"size\":1,\"time\":1,\"seq\":1}]}";
    e = manifestRefused(noSha);
    assertTrue(e.getMessage().startsWith("manifest: sha256 must be 64"), e.getMessage());
  }
}
