package io.metamirror.origin.composer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static List<ObjectNode> versions(String... texts) {
    List<ObjectNode> out = new ArrayList<>();
    for (String t : texts) {
      out.add(json(t));
    }
    return out;
  }

  @Test
  void laterVersionsListOnlyChangedKeysAndUnsetForAKeyThatDisappears() {
    List<ObjectNode> expanded =
        versions(
            "{'version':'2.0.0','require':{'php':'^8.1'},'license':['MIT']}",
            "{'version':'1.1.0','require':{'php':'^8.1'},'license':['MIT']}",
            "{'version':'1.0.0','license':['MIT']}",
            "{'version':'0.9.0','license':['MIT'],'require':{'php':'^7.4'}}");

    List<ObjectNode> minified = Minifier.minify(expanded);

    assertEquals(
        versions(
            "{'version':'2.0.0','require':{'php':'^8.1'},'license':['MIT']}",
            "{'version':'1.1.0'}",
            "{'version':'1.0.0','require':'__unset'}",
            "{'version':'0.9.0','require':{'php':'^7.4'}}"),
        minified);
    assertEquals(expanded, Minifier.expand(minified));
  }

  @Test
  void aChangedNestedValueIsWrittenWhole() {
    List<ObjectNode> expanded =
        versions(
            "{'version':'1.0.1','dist':{'type':'zip','url':'https://x/1.0.1.zip','reference':'b'}}",
            "{'version':'1.0.0','dist':{'type':'zip','url':'https://x/1.0.0.zip','reference':'b'}}");

    ObjectNode second = Minifier.minify(expanded).get(1);

    assertEquals(
        json(
            "{'version':'1.0.0','dist':{'type':'zip','url':'https://x/1.0.0.zip','reference':'b'}}"),
        second);
  }

  @Test
  void singleVersionAndEmptyListPassThrough() {
    List<ObjectNode> one = versions("{'version':'1.0.0','name':'acme/foo'}");
    assertEquals(one, Minifier.minify(one));
    assertEquals(one, Minifier.expand(Minifier.minify(one)));
    assertEquals(List.of(), Minifier.minify(List.of()));
    assertEquals(List.of(), Minifier.expand(List.of()));
  }

  @Test
  void inputsAreNotModifiedAndOutputsShareNoNodes() {
    List<ObjectNode> expanded =
        versions("{'version':'2.0.0','extra':{'a':1}}", "{'version':'1.0.0','extra':{'a':2}}");
    List<ObjectNode> before = versions(expanded.get(0).toString(), expanded.get(1).toString());

    List<ObjectNode> minified = Minifier.minify(expanded);
    ((ObjectNode) minified.get(1).get("extra")).put("a", 99);
    List<ObjectNode> again = Minifier.expand(Minifier.minify(expanded));
    again.get(0).put("version", "changed");

    assertEquals(before, expanded);
  }

  @Test
  void expandsAMinifiedListAsPackagistServesIt() {
    List<ObjectNode> served =
        versions(
            "{'name':'acme/foo','version':'1.1.0','version_normalized':'1.1.0.0',"
                + "'require':{'php':'>=8.1'},'time':'2024-02-01T00:00:00+00:00'}",
            "{'version':'1.0.0','version_normalized':'1.0.0.0','require':'__unset',"
                + "'time':'2024-01-01T00:00:00+00:00'}",
            "{'version':'1.0.0-beta1','version_normalized':'1.0.0.0-beta1',"
                + "'require':{'php':'>=7.4'}}");

    assertEquals(
        versions(
            "{'name':'acme/foo','version':'1.1.0','version_normalized':'1.1.0.0',"
                + "'require':{'php':'>=8.1'},'time':'2024-02-01T00:00:00+00:00'}",
            "{'name':'acme/foo','version':'1.0.0','version_normalized':'1.0.0.0',"
                + "'time':'2024-01-01T00:00:00+00:00'}",
            "{'name':'acme/foo','version':'1.0.0-beta1','version_normalized':'1.0.0.0-beta1',"
                + "'time':'2024-01-01T00:00:00+00:00','require':{'php':'>=7.4'}}"),
        Minifier.expand(served));
  }

  @Test
  void expandOfMinifyGivesBackGeneratedSequences() {
    Random random = new Random(42);
    String[] keys = {"name", "version", "require", "dist", "extra", "license", "n"};
    for (int run = 0; run < 200; run++) {
      List<ObjectNode> expanded = new ArrayList<>();
      int count = random.nextInt(8);
      for (int i = 0; i < count; i++) {
        ObjectNode v = JSON.createObjectNode();
        for (String key : keys) {
          switch (random.nextInt(4)) {
            case 0 -> {} // absent
            case 1 -> v.put(key, "s" + random.nextInt(2));
            case 2 -> v.putObject(key).put("k", random.nextInt(2));
            default -> v.putNull(key);
          }
        }
        expanded.add(v);
      }
      assertEquals(expanded, Minifier.expand(Minifier.minify(expanded)), "run " + run);
    }
  }

  @Test
  void aLiteralUnsetValueIsRefused() {
    List<ObjectNode> expanded = versions("{'version':'1.0.0','type':'__unset'}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Minifier.minify(expanded));
    assertEquals("version 0: \"type\" is \"__unset\", which cannot be minified", e.getMessage());
  }
}
