package io.metamirror.origin.composer;

import static io.metamirror.origin.composer.MinifierTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionDocumentsTest {

  @Test
  void aValidDocumentHasNoProblems() {
    ObjectNode doc =
        json(
            "{'name':'acme/foo','version':'v1.2.0','description':'Foo','type':'library',"
                + "'license':['MIT'],'keywords':['foo',2024],'homepage':'https://acme.test',"
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
}
