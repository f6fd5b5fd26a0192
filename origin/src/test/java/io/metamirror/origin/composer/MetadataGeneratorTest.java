package io.metamirror.origin.composer;

import static io.metamirror.origin.composer.MinifierTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode version(String version, String extra) {
    return json(
        "{'name':'acme/foo','version':'"
            + version
            + "','description':'Fü/bar','require':{'php':'^8.1'}"
            + extra
            + ",'dist':{'type':'zip','url':'https://acme.test/"
            + version
            + ".zip'}}");
  }

  private static final List<ObjectNode> VERSIONS =
      List.of(
          version("1.0.0", ""),
          version("v1.1.0", ",'license':'MIT'"),
          version("2.0.0-RC1", ""),
          version("1.0.0-p1", ""),
          version("dev-main", ",'license':'MIT'"),
          version("1.x-dev", ""),
          version("dev-feature/x", ""));

  @Test
  void sameVersionsInAnyOrderGiveTheSameBytes() {
    PackageFiles first = MetadataGenerator.packageFiles("acme/foo", VERSIONS);
    Random random = new Random(3);
    for (int i = 0; i < 20; i++) {
      List<ObjectNode> shuffled = new ArrayList<>(VERSIONS);
      Collections.shuffle(shuffled, random);
      PackageFiles again = MetadataGenerator.packageFiles("acme/foo", shuffled);
      assertArrayEquals(first.stable(), again.stable());
      assertArrayEquals(first.dev(), again.dev());
    }
  }

  @Test
  void expandingTheFilesGivesTheNormalizedVersionsNewestFirst() throws Exception {
    PackageFiles files = MetadataGenerator.packageFiles("acme/foo", VERSIONS);

    JsonNode stable = JSON.readTree(files.stable());
    JsonNode dev = JSON.readTree(files.dev());

    assertEquals("composer/2.0", stable.get("minified").textValue());
    assertEquals(JSON.createArrayNode(), stable.get("security-advisories"));
    assertEquals(List.of("packages", "minified"), fieldNames(dev));
    assertEquals(
        List.of(
            shaped(VERSIONS.get(2)),
            shaped(VERSIONS.get(1)),
            shaped(VERSIONS.get(3)),
            shaped(VERSIONS.get(0))),
        Minifier.expand(versions(stable)));
    assertEquals(
        List.of(shaped(VERSIONS.get(5)), shaped(VERSIONS.get(6)), shaped(VERSIONS.get(4))),
        Minifier.expand(versions(dev)));
  }

  private static ObjectNode shaped(ObjectNode version) {
    return PackagistShape.of(VersionDocuments.normalize(version));
  }

  @Test
  void bothFilesAreWrittenEvenWithoutVersionsOfAKind() {
    PackageFiles onlyTags = MetadataGenerator.packageFiles("acme/foo", List.of(VERSIONS.get(0)));
    assertEquals(
        "{\"packages\":{\"acme/foo\":[]},\"minified\":\"composer/2.0\"}",
        new String(onlyTags.dev(), StandardCharsets.UTF_8));
    PackageFiles none = MetadataGenerator.packageFiles("acme/foo", List.of());
    assertEquals(
        "{\"packages\":{\"acme/foo\":[]},\"minified\":\"composer/2.0\",\"security-advisories\":[]}",
        new String(none.stable(), StandardCharsets.UTF_8));
  }

  @Test
  void outputIsCompactUtf8WithSlashesUnescaped() {
    String stable =
        new String(
            MetadataGenerator.packageFiles("acme/foo", List.of(VERSIONS.get(0))).stable(),
            StandardCharsets.UTF_8);
    assertEquals(
        "{\"packages\":{\"acme/foo\":[{\"name\":\"acme/foo\",\"description\":\"Fü/bar\","
            + "\"keywords\":[],\"homepage\":\"\",\"version\":\"1.0.0\","
            + "\"version_normalized\":\"1.0.0.0\",\"license\":[],\"authors\":[],"
            + "\"dist\":{\"type\":\"zip\",\"url\":\"https://acme.test/1.0.0.zip\",\"shasum\":\"\"},"
            + "\"type\":\"library\",\"require\":{\"php\":\"^8.1\"}}]},"
            + "\"minified\":\"composer/2.0\",\"security-advisories\":[]}",
        stable);
  }

  @Test
  void refusesVersionsOfAnotherPackageDuplicatesAndInvalidDocuments() {
    ObjectNode other = json("{'name':'acme/bar','version':'1.0.0'}");
    assertThrows(
        IllegalArgumentException.class,
        () -> MetadataGenerator.packageFiles("acme/foo", List.of(other)));
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MetadataGenerator.packageFiles(
                    "acme/foo", List.of(version("1.0", ""), version("v1.0.0", ""))));
    assertEquals("acme/foo: two versions normalize to \"1.0.0.0\"", duplicate.getMessage());
    IllegalArgumentException invalid =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MetadataGenerator.packageFiles(
                    "acme/foo", List.of(json("{'name':'acme/foo','version':'x'}"))));
    assertTrue(invalid.getMessage().contains("invalid version string \"x\""), invalid.getMessage());
  }

  @Test
  void rootFileIsRelativeSortedAndDeterministic() throws Exception {
    byte[] root = MetadataGenerator.rootFile(List.of("acme/foo", "acme/bar", "acme/foo"));

    assertEquals(
        "{\"packages\":[],\"metadata-url\":\"/p2/%package%.json\","
            + "\"available-packages\":[\"acme/bar\",\"acme/foo\"],"
            + "\"metadata-changes-url\":\"/metadata/changes.json\",\"list\":\"/packages/list.json\"}",
        new String(root, StandardCharsets.UTF_8));
    assertArrayEquals(root, MetadataGenerator.rootFile(List.of("acme/bar", "acme/foo")));
    JSON.readTree(root)
        .properties()
        .forEach(
            field -> {
              if (field.getValue().isTextual()) {
                assertTrue(field.getValue().textValue().startsWith("/"), field.getKey());
              }
            });
    assertThrows(IllegalArgumentException.class, () -> MetadataGenerator.rootFile(List.of("x")));
  }

  @Test
  void pathsSplitStableAndDev() {
    assertEquals("p2/acme/foo.json", MetadataGenerator.stablePath("acme/foo"));
    assertEquals("p2/acme/foo~dev.json", MetadataGenerator.devPath("acme/foo"));
    assertThrows(IllegalArgumentException.class, () -> MetadataGenerator.stablePath("../etc"));
  }

  private static List<ObjectNode> versions(JsonNode file) {
    List<ObjectNode> out = new ArrayList<>();
    file.get("packages").get("acme/foo").forEach(v -> out.add((ObjectNode) v));
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
