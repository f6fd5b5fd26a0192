package io.metamirror.origin.composer;

import static io.metamirror.origin.composer.MinifierTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a p2 file holds for one version, in packagist.org's shape, read back as Composer does. */
class PackagistShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The one version of the stable or dev file generated for {@code doc}, expanded. */
  private static JsonNode served(String doc) throws Exception {
    ObjectNode version = json(doc);
    PackageFiles files = MetadataGenerator.packageFiles("acme/foo", List.of(version));
    String normalized = VersionParser.normalize(version.get("version").textValue());
    byte[] file = VersionParser.isDev(normalized) ? files.dev() : files.stable();
    return JSON.readTree(file).get("packages").get("acme/foo").get(0);
  }

  @Test
  void typeDefaultsToLibraryAndLicenseIsAlwaysAnArray() throws Exception {
    JsonNode bare = served("{'name':'acme/foo','version':'1.0.0'}");
    assertEquals("library", bare.get("type").textValue());
    assertEquals(json("{'l':[]}").get("l"), bare.get("license"));

    JsonNode given =
        served("{'name':'acme/foo','version':'1.0.0','type':'composer-plugin','license':'MIT'}");
    assertEquals("composer-plugin", given.get("type").textValue());
    assertEquals(json("{'l':['MIT']}").get("l"), given.get("license"));
  }

  @Test
  void keysThatAreNotPackageFieldsAreDropped() throws Exception {
    JsonNode version =
        served(
            "{'name':'acme/foo','version':'1.0.0','scripts':{'test':'phpunit'},"
                + "'config':{'sort-packages':true},'minimum-stability':'dev','x-internal':1,"
                + "'require':{'php':'^8.1'},'autoload':{'psr-4':{'Acme\\\\':'src/'}}}");
    assertEquals(
        List.of(
            "name description keywords homepage version version_normalized license authors type"
                .concat(" autoload require")
                .split(" ")),
        fieldNames(version));
  }

  @Test
  void distGetsAnEmptyShasumUnlessThePublisherGaveOne() throws Exception {
    JsonNode unknown =
        served(
            "{'name':'acme/foo','version':'1.0.0','dist':{'type':'zip','url':'https://x/a.zip'}}");
    assertEquals("", unknown.get("dist").get("shasum").textValue());
    JsonNode known =
        served(
            "{'name':'acme/foo','version':'1.0.0',"
                + "'dist':{'type':'zip','url':'https://x/a.zip','shasum':'da39a3ee'}}");
    assertEquals("da39a3ee", known.get("dist").get("shasum").textValue());
  }

  @Test
  void defaultBranchIsKeptOnlyWhenTrue() throws Exception {
    assertEquals(
        true,
        served("{'name':'acme/foo','version':'dev-main','default-branch':true}")
            .get("default-branch")
            .booleanValue());
    assertFalse(
        served("{'name':'acme/foo','version':'dev-old','default-branch':false}")
            .has("default-branch"));
  }

  @Test
  void authorKeysFundingAndSupportAreOrderedAsPackagistOrdersThem() throws Exception {
    JsonNode version =
        served(
            "{'name':'acme/foo','version':'1.0.0',"
                + "'authors':[{'role':'Dev','homepage':'https://a','x':'1','email':'a@b','name':'A'}],"
                + "'funding':[{'type':'github','url':'https://z'},{'type':'custom','url':'https://y'}],"
                + "'support':{'source':'https://s','issues':'https://i'}}");
    assertEquals(
        List.of("name", "email", "homepage", "role", "x"),
        fieldNames(version.get("authors").get(0)));
    assertEquals("custom", version.get("funding").get(0).get("type").textValue());
    assertEquals(List.of("issues", "source"), fieldNames(version.get("support")));
  }

  static List<String> fieldNames(JsonNode node) {
    return node.properties().stream().map(java.util.Map.Entry::getKey).toList();
  }
}
