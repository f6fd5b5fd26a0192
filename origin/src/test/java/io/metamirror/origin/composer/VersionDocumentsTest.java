package io.metamirror.origin.composer;

import static io.metamirror.origin.composer.MinifierTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionDocumentsTest {

  @Test
  void aValidDocumentHasNoProblems() {
    ObjectNode doc =
        json(
            "{'name':'acme/foo','version':'v1.2.0','description':'Foo','type':'library',"
                + "'license':['MIT'],'keywords':['foo','2024'],'homepage':'https://acme.test',"
                + "'time':'2024-01-31T12:00:00+00:00','require':{'php':'^8.1'},'require-dev':[],"
                + "'suggest':{'ext-intl':'for locales'},'autoload':{'psr-4':{'Acme\\\\Foo\\\\':'src/'}},"
                + "'extra':{'branch-alias':{'dev-main':'1.x-dev'}},'authors':[{'name':'A','email':'a@x'}],"
                + "'support':{'issues':'https://acme.test/issues'},'funding':[{'type':'github','url':'u'}],"
                + "'source':{'type':'git','url':'https://acme.test/foo.git','reference':'abc'},"
                + "'dist':{'type':'zip','url':'https://acme.test/foo.zip','reference':'abc','shasum':''}}");
    assertEquals(List.of(), VersionDocuments.problems(doc));
  }

  @Test
  void anInvalidDocumentYieldsAllItsProblemsInOneList() {
    ObjectNode doc =
        json(
            "{'name':'Acme/Foo','version':'1.0.0-SNAPSHOT','description':7,'license':[1],"
                + "'keywords':'foo','time':'yesterday','require':{'php':8,'acme/bar':'^1'},"
                + "'conflict':['x'],'autoload':{'psr-5':{}},'extra':'x',"
                + "'authors':[{'name':1},'bob'],'funding':{'type':'x'},"
                + "'source':{'type':'git','url':1},'dist':{'url':'https://x'}}");

    assertEquals(
        List.of(
            "\"name\": \"Acme/Foo\" must be lower case: \"acme/foo\"",
            "\"version\": invalid version string \"1.0.0-SNAPSHOT\"",
            "\"description\": must be a string",
            "\"time\": is not a date (\"yesterday\")",
            "\"license.0\": must be a string",
            "\"keywords\": must be an array of strings",
            "\"require.php\": must be a string",
            "\"conflict\": must be an object",
            "\"autoload.psr-5\": must be one of psr-0, psr-4, classmap, files, exclude-from-classmap",
            "\"extra\": must be an object or an array",
            "\"source.url\": must be a string",
            "\"source.reference\": is missing",
            "\"dist.type\": is missing",
            "\"authors.0.name\": must be a string",
            "\"authors.1\": must be an object",
            "\"funding\": must be an array of objects"),
        VersionDocuments.problems(doc));
  }

  @Test
  void missingNameAndVersionAndNonObjectsAreProblems() {
    assertEquals(
        List.of("\"name\": is missing", "\"version\": is missing"),
        VersionDocuments.problems(json("{}")));
    assertEquals(
        List.of("version document: must be an object"),
        VersionDocuments.problems(JsonNodeFactory.instance.arrayNode()));
    assertEquals(
        List.of("\"name\": must be a string", "\"version\": must be a string"),
        VersionDocuments.problems(json("{'name':['acme/foo'],'version':1.0}")));
  }

  @Test
  void normalizeLowerCasesTheNameAndComputesVersionNormalizedIgnoringTheGivenOne() {
    ObjectNode doc =
        json("{'name':'Acme/Foo','version':'v2.0.0-beta.1','version_normalized':'9.9.9.9','x':{}}");
    ObjectNode before = doc.deepCopy();

    ObjectNode normalized = VersionDocuments.normalize(doc);

    assertEquals(
        "{\"name\":\"acme/foo\",\"version\":\"v2.0.0-beta.1\","
            + "\"version_normalized\":\"2.0.0.0-beta1\",\"x\":{}}",
        normalized.toString());
    assertEquals(before, doc, "the input is untouched");
  }

  @Test
  void normalizeComputesBranchVersions() {
    assertEquals(
        "dev-main",
        VersionDocuments.normalize(json("{'name':'a/b','version':'dev-main'}"))
            .get("version_normalized")
            .textValue());
    assertEquals(
        "1.9999999.9999999.9999999-dev",
        VersionDocuments.normalize(json("{'name':'a/b','version':'1.x-dev'}"))
            .get("version_normalized")
            .textValue());
    assertThrows(
        IllegalArgumentException.class,
        () -> VersionDocuments.normalize(json("{'name':'a/b','version':'main'}")));
  }

  @Test
  void numbersAreNotKeywordsAndTypedFieldsHaveTheirTypes() {
    assertEquals(
        List.of(
            "\"keywords.0\": must be a string",
            "\"keywords.1\": must be a string",
            "\"include-path\": must be an array of strings",
            "\"default-branch\": must be true or false",
            "\"abandoned\": must be a package name or true or false"),
        VersionDocuments.problems(
            json(
                "{'name':'a/b','version':'1.0.0','keywords':[1,2],'include-path':'src',"
                    + "'default-branch':'yes','abandoned':7}")));
    assertEquals(
        List.of(),
        VersionDocuments.problems(
            json("{'name':'a/b','version':'dev-main','default-branch':true,'abandoned':'c/d'}")));
  }

  @Test
  void aRefusedValueIsQuotedOnOneLine() {
    assertEquals(
        List.of("\"time\": is not a date (\"2024-01-01\\u000a\")"),
        VersionDocuments.problems(json("{'name':'a/b','version':'1.0.0','time':'2024-01-01\\n'}")));
  }

  @Test
  void aDocumentWithTooManyProblemsListsTheFirstHundred() {
    ObjectNode doc = json("{'name':'a/b','version':'1.0.0'}");
    doc.putArray("keywords").add(1).add(2);
    for (int i = 0; i < 1000; i++) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) doc.get("keywords")).add(i);
    }
    assertEquals(100, VersionDocuments.problems(doc).size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[{}] trailing",
        "{}{}",
        "{\"name\":\"a/b\",\"name\":\"c/d\"}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{'name':'a/b'}"
      })
  void readRefusesWhatIsNotOneJsonDocumentWithinTheLimits(String body) {
    InvalidPackagesException e = assertThrows(InvalidPackagesException.class, () -> read(body));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("not valid JSON"), e.getMessage());
  }

  @Test
  void readTakesOneDocumentOrAnArrayAndNothingElse() throws Exception {
    assertEquals(1, VersionDocuments.documents(read("{\"name\":\"a/b\"}")).size());
    assertEquals(2, VersionDocuments.documents(read("[{},{}]")).size());
    for (String notDocuments : List.of("", "  ", "42", "null", "\"a/b\"")) {
      InvalidPackagesException e =
          assertThrows(InvalidPackagesException.class, () -> read(notDocuments));
      assertEquals(
          List.of("must be a version document (an object) or an array of them"), e.problems());
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode read(String body) throws Exception {
    return VersionDocuments.read(
        new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
