package io.metamirror.fleet.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.fleet.spec.FleetSpec;
import io.metamirror.fleet.spec.SampleFleet;
import io.metamirror.fleet.userdata.UserDataTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror-region module's user-data is what `metamirror region add` launches with: the module's
 * own {@code templatefile(...)} call, with its {@code var.*} and {@code local.region} replaced by a
 * node's values, is evaluated by the real {@code terraform console} (no provider needed) and
 * compared byte for byte with the fleet module's renderer for the same node.
 */
class UserDataParityTest {
  private static final String REGION = "eu-west-1";
  private static final Pattern VAR = Pattern.compile("(?<![\\w.])var\\.node\\.(\\w+)");

  @TempDir Path empty;

  @Test
  void terraformRendersTheSameUserDataAsTheCli() throws Exception {
    FleetSpec spec = FleetSpec.parse("fleet.yaml", SampleFleet.OPERABLE);
    Map<String, String> values = UserDataTemplate.variables(spec.node(), REGION);
    String cli = UserDataTemplate.node().render(values);

    TerraformModule module = TerraformModule.load(TerraformTree.MIRROR_REGION);
    String call = expression(module.locals().get("user_data").asText());
    assertTrue(call.startsWith("templatefile(\"${path.module}/user-data.yaml.tmpl\""), call);
    String evaluable =
        substitute(
            call.replace("${path.module}", TerraformTree.MIRROR_REGION.toString())
                .replace("local.region", '"' + REGION + '"'),
            values);

    TerraformTree.Run run =
        TerraformTree.run(
            empty,
            "base64encode(" + oneLine(evaluable) + ")\n",
            TerraformTree.terraform(),
            "console");
    assertEquals(0, run.exit(), "terraform console: " + run.output() + "\nfor " + evaluable);
    String printed = run.output().strip();
    assertTrue(printed.matches("\"[A-Za-z0-9+/=]+\""), printed);
    String terraform =
        new String(
            Base64.getDecoder().decode(printed.substring(1, printed.length() - 1)),
            StandardCharsets.UTF_8);

    assertTrue(cli.contains("origin: \"https://origin.example.test\""), cli);
    assertEquals(cli, terraform);
  }

  /** The source text of a parsed expression, without the parser's {@code ${...}} around it. */
  private static String expression(String parsed) {
    assertTrue(parsed.startsWith("${") && parsed.endsWith("}"), parsed);
    return parsed.substring(2, parsed.length() - 1);
  }

  /** The console reads one line: an object's attributes are separated by commas there. */
  private static String oneLine(String expression) {
    return expression
        .replaceAll("\\{\\s*\\n\\s*", "{ ")
        .replaceAll("\\s*\\n\\s*}", " }")
        .replaceAll("\\s*\\n\\s*", ", ");
  }

  /**
   * {@code var.node.NAME} → the node's value of the template variable NAME (the module's {@code
   * node} object names its fields as the template does), a number where the field is a number.
   */
  private static String substitute(String call, Map<String, String> values) {
    Matcher m = VAR.matcher(call);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      assertTrue(value != null, "the template has no variable named like var.node." + m.group(1));
      String literal = value.matches("[0-9]+") ? value : '"' + value + '"';
      m.appendReplacement(out, Matcher.quoteReplacement(literal));
    }
    m.appendTail(out);
    assertTrue(!out.toString().contains("var."), "only node settings reach the user-data: " + out);
    return out.toString();
  }
}
