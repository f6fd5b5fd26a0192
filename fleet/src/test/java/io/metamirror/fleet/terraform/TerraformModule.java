package io.metamirror.fleet.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One terraform module directory as the HCL parser reads it: its declarations by kind and the
 * source text of every expression, with where each one stands ({@code variable.port}, {@code
 * resource.aws_instance.node}, ...).
 */
record TerraformModule(
    Path dir,
    Map<String, JsonNode> variables,
    Map<String, JsonNode> outputs,
    Map<String, JsonNode> locals,
    Map<String, JsonNode> modules,
    Map<String, JsonNode> resources,
    Set<String> data,
    List<JsonNode> terraformBlocks,
    Map<String, List<String>> expressions) {

  /** A reference in an expression: {@code var.x}, {@code local.x}, {@code module.x.y}, ... */
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?<![\\w.\\-/])(?:var\\.\\w+|local\\.\\w+|module\\.\\w+(?:\\.\\w+)?"
              + "|data\\.\\w+\\.\\w+|aws_\\w+\\.\\w+)");

  /** Attributes whose strings are prose, not expressions. */
  private static final Set<String> PROSE = Set.of("description", "error_message");

  private static final Map<Path, TerraformModule> LOADED = new java.util.HashMap<>();

  /** The module in {@code dir}, parsed once per test run (the parser takes seconds to start). */
  static synchronized TerraformModule load(Path dir) throws Exception {
    TerraformModule m = LOADED.get(dir);
    if (m == null) {
      m = parse(dir);
      LOADED.put(dir, m);
    }
    return m;
  }

  private static TerraformModule parse(Path dir) throws Exception {
    List<Path> files = TerraformTree.tfFiles(dir);
    JsonNode parsed = TerraformTree.parse(files);
    Map<String, JsonNode> variables = new LinkedHashMap<>();
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    Map<String, JsonNode> locals = new LinkedHashMap<>();
    Map<String, JsonNode> modules = new LinkedHashMap<>();
    Map<String, JsonNode> resources = new TreeMap<>();
    Set<String> data = new TreeSet<>();
    List<JsonNode> terraform = new ArrayList<>();
    Map<String, List<String>> expressions = new LinkedHashMap<>();
    for (Path file : files) {
      JsonNode f = parsed.get(file.toString());
      f.path("variable").fields().forEachRemaining(e -> variables.put(e.getKey(), first(e)));
      f.path("output").fields().forEachRemaining(e -> outputs.put(e.getKey(), first(e)));
      f.path("module").fields().forEachRemaining(e -> modules.put(e.getKey(), first(e)));
      f.path("locals")
          .forEach(
              block -> block.fields().forEachRemaining(e -> locals.put(e.getKey(), e.getValue())));
      f.path("terraform").forEach(terraform::add);
      f.path("resource")
          .fields()
          .forEachRemaining(
              t ->
                  t.getValue()
                      .fields()
                      .forEachRemaining(
                          n -> resources.put(t.getKey() + "." + n.getKey(), first(n))));
      f.path("data")
          .fields()
          .forEachRemaining(
              t -> t.getValue().fieldNames().forEachRemaining(n -> data.add(t.getKey() + "." + n)));
      f.fields()
          .forEachRemaining(
              kind -> {
                if (kind.getKey().equals("locals")) {
                  kind.getValue()
                      .forEach(
                          b ->
                              b.fields()
                                  .forEachRemaining(
                                      e ->
                                          collect(
                                              e.getValue(),
                                              expressions.computeIfAbsent(
                                                  "locals." + e.getKey(),
                                                  k -> new ArrayList<>()))));
                } else {
                  kind.getValue()
                      .fields()
                      .forEachRemaining(
                          e ->
                              collect(
                                  e.getValue(),
                                  expressions.computeIfAbsent(
                                      kind.getKey() + "." + e.getKey(), k -> new ArrayList<>())));
                }
              });
    }
    return new TerraformModule(
        dir, variables, outputs, locals, modules, resources, data, terraform, expressions);
  }

  /** Every reference in the expressions of {@code where} (a prefix such as {@code output.}). */
  Set<String> references(String where) {
    Set<String> refs = new TreeSet<>();
    expressions.forEach(
        (place, texts) -> {
          if (place.startsWith(where)) {
            texts.forEach(t -> refs.addAll(referencesIn(t)));
          }
        });
    return refs;
  }

  /**
   * The references of one text, each as {@code var.x}, {@code local.x}, {@code module.x[.y]}, ...
   */
  static Set<String> referencesIn(String text) {
    Set<String> refs = new TreeSet<>();
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      refs.add(m.group());
    }
    return refs;
  }

  /** The one block of resource {@code type.name}. */
  JsonNode resourceBlock(String type, String name) {
    return resources.get(type + "." + name);
  }

  /** Whether {@code ref} (as {@link #referencesIn} gives it) names something this module has. */
  boolean declares(String ref) {
    String[] p = ref.split("\\.", 2);
    return switch (p[0]) {
      case "var" -> variables.containsKey(p[1]);
      case "local" -> locals.containsKey(p[1]);
      case "module" -> modules.containsKey(p[1].split("\\.")[0]);
      case "data" -> data.contains(p[1]);
      default -> resources.containsKey(ref);
    };
  }

  private static JsonNode first(Map.Entry<String, JsonNode> e) {
    return e.getValue().get(0);
  }

  private static void collect(JsonNode node, List<String> into) {
    if (node.isTextual()) {
      into.add(node.asText());
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (!PROSE.contains(e.getKey())) {
                  collect(e.getValue(), into);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, into));
    }
  }
}
