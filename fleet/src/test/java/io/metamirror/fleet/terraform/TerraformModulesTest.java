package io.metamirror.fleet.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terraform tree without providers (none can be downloaded here): {@code terraform fmt}, a
 * parse of every file with HashiCorp's HCL parser, and the consistency a {@code terraform validate}
 * would check first: variables documented, typed and used, every reference declared, the example
 * passing every required variable of the modules it calls.
 */
class TerraformModulesTest {
  private static final List<Path> MODULES = List.of(TerraformTree.MIRROR_REGION, TerraformTree.DNS);

  /** Arguments of a module block that are terraform's, not the module's variables. */
  private static final Set<String> META =
      Set.of("source", "version", "providers", "count", "for_each", "depends_on");

  @TempDir Path dir;

  @Test
  void terraformFmtCheckPassesOnTheWholeTree() throws Exception {
    String terraform = TerraformTree.terraform();
    TerraformTree.Run run =
        TerraformTree.run(
            TerraformTree.ROOT, "", terraform, "fmt", "-check", "-recursive", "terraform");
    assertEquals(0, run.exit(), "terraform fmt -check -recursive terraform: " + run.output());

    // The check is a real one: a misaligned copy fails it.
    Path copy = dir.resolve("main.tf");
    Files.writeString(
        copy, Files.readString(TerraformTree.DNS.resolve("versions.tf")).replace("  ", "   "));
    assertNotEquals(0, TerraformTree.run(dir, "", terraform, "fmt", "-check", "main.tf").exit());
  }

  @Test
  void theParserRefusesABrokenFile() throws Exception {
    Path broken = dir.resolve("broken.tf");
    Files.writeString(broken, "variable \"x\" {\n  type = string\n");
    AssertionError e =
        assertThrows(AssertionError.class, () -> TerraformTree.parse(List.of(broken)));
    assertTrue(e.getMessage().contains("broken.tf:"), e.getMessage());
  }

  @Test
  void everyModuleHasItsFilesAndPinsTerraformAndTheProvider() throws Exception {
    for (Path module : MODULES) {
      for (String file :
          List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")) {
        assertTrue(Files.isRegularFile(module.resolve(file)), module + " has no " + file);
      }
      TerraformModule m = TerraformModule.load(module);
      assertEquals(1, m.terraformBlocks().size(), module + ": one terraform block");
      JsonNode block = m.terraformBlocks().get(0);
      assertTrue(block.path("required_version").asText().startsWith(">="), module + "");
      JsonNode aws = block.path("required_providers").get(0).path("aws");
      assertEquals("hashicorp/aws", aws.path("source").asText(), module + "");
      assertTrue(aws.path("version").asText().contains("<"), module + ": an upper bound");
    }
  }

  @Test
  void everyVariableIsDocumentedTypedAndUsedInItsModule() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Path module : MODULES) {
      TerraformModule m = TerraformModule.load(module);
      assertFalse(m.variables().isEmpty(), module + " declares variables");
      // Uses outside the variable blocks: a variable used only in its own validation is unused.
      Set<String> used = new TreeSet<>();
      for (String kind : List.of("resource.", "data.", "locals.", "output.", "module.")) {
        used.addAll(m.references(kind));
      }
      m.variables()
          .forEach(
              (name, v) -> {
                if (v.path("description").asText().isBlank()) {
                  problems.add(module.getFileName() + ": variable " + name + " has no description");
                }
                if (!v.has("type")) {
                  problems.add(module.getFileName() + ": variable " + name + " has no type");
                }
                if (!used.contains("var." + name)) {
                  problems.add(module.getFileName() + ": variable " + name + " is never used");
                }
              });
      m.outputs()
          .forEach(
              (name, o) -> {
                if (o.path("description").asText().isBlank()) {
                  problems.add(module.getFileName() + ": output " + name + " has no description");
                }
              });
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyReferenceNamesSomethingDeclared() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Path dir :
        List.of(TerraformTree.MIRROR_REGION, TerraformTree.DNS, TerraformTree.EXAMPLE)) {
      TerraformModule m = TerraformModule.load(dir);
      for (String ref : m.references("")) {
        if (!m.declares(ref)) {
          problems.add(dir.getFileName() + ": " + ref + " is not declared");
        }
      }
      assertFalse(m.references("output.").isEmpty(), dir + ": outputs reference something");
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theExamplePassesEveryRequiredVariableAndReadsOnlyDeclaredOutputs() throws Exception {
    TerraformModule example = TerraformModule.load(TerraformTree.EXAMPLE);
    assertEquals(
        Set.of("eu_west_1", "us_east_1", "ap_southeast_1", "dns"), example.modules().keySet());
    List<String> problems = new ArrayList<>();
    Set<String> regions = new TreeSet<>();
    for (Map.Entry<String, JsonNode> call : example.modules().entrySet()) {
      Path source =
          TerraformTree.EXAMPLE.resolve(call.getValue().path("source").asText()).normalize();
      assertTrue(MODULES.contains(source), call.getKey() + " calls " + source);
      TerraformModule callee = TerraformModule.load(source);
      Set<String> passed = new TreeSet<>();
      call.getValue().fieldNames().forEachRemaining(passed::add);
      passed.removeAll(META);
      callee
          .variables()
          .forEach(
              (name, v) -> {
                if (!v.has("default") && !passed.contains(name)) {
                  problems.add("module " + call.getKey() + " does not pass the required " + name);
                }
              });
      passed.forEach(
          name -> {
            if (!callee.variables().containsKey(name)) {
              problems.add(
                  "module "
                      + call.getKey()
                      + " passes "
                      + name
                      + ", not a variable of "
                      + source.getFileName());
            }
          });
      for (String ref : example.references("")) {
        String prefix = "module." + call.getKey() + ".";
        if (ref.startsWith(prefix)
            && !callee.outputs().containsKey(ref.substring(prefix.length()))) {
          problems.add(ref + " is not an output of " + source.getFileName());
        }
      }
      if (source.equals(TerraformTree.MIRROR_REGION)) {
        regions.add(call.getValue().path("providers").toString());
      }
    }
    assertEquals(List.of(), problems);
    assertEquals(3, regions.size(), "one provider alias per region: " + regions);
  }
}
