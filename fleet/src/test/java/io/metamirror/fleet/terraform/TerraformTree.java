package io.metamirror.fleet.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The repository's {@code terraform/} tree and the real tools the tests run on it: the {@code
 * terraform} binary (part of the machine image, see scripts/test) and HashiCorp's HCL parser from
 * npm ({@code scripts/hcl}, installed by scripts/test). A missing tool fails the test, never skips
 * it.
 */
final class TerraformTree {
  static final Path ROOT = repoRoot();
  static final Path TERRAFORM = ROOT.resolve("terraform");
  static final Path MIRROR_REGION = TERRAFORM.resolve("modules/mirror-region");
  static final Path DNS = TERRAFORM.resolve("modules/dns");
  static final Path EXAMPLE = TERRAFORM.resolve("examples/three-regions");

  private TerraformTree() {}

  /** What a finished process printed (stdout and stderr together) and its exit code. */
  record Run(int exit, String output) {}

  /** Runs {@code command} in {@code dir} with {@code stdin}; terraform without a CLI config. */
  static Run run(Path dir, String stdin, String... command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("TF_CLI_CONFIG_FILE", "/dev/null");
    pb.environment().put("CHECKPOINT_DISABLE", "1");
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    return new Run(p.exitValue(), output);
  }

  /** The terraform binary; fails the test when it is not on PATH. */
  static String terraform() {
    return program(
        "terraform",
        "terraform is not on PATH: it comes with the machine image (/usr/local/bin/terraform),"
            + " see scripts/test");
  }

  /**
   * Every file parsed with the HCL parser: path → the file's configuration as JSON (blocks as
   * objects of lists, expressions as their source text in {@code ${...}}).
   */
  static JsonNode parse(List<Path> files) throws Exception {
    Path parser = ROOT.resolve("scripts/hcl");
    assertTrue(
        Files.isDirectory(parser.resolve("node_modules/@cdktf/hcl2json")),
        "the HCL parser is not installed: run scripts/test (it runs `npm ci --prefix scripts/hcl`)");
    List<String> command = new ArrayList<>();
    command.add(
        program("node", "node is not on PATH (Debian package nodejs; scripts/test installs it)"));
    command.add(parser.resolve("parse.js").toString());
    files.forEach(f -> command.add(f.toString()));
    Run run = run(ROOT, "", command.toArray(String[]::new));
    assertEquals(0, run.exit(), "the HCL parser refused a file: " + run.output());
    return new ObjectMapper().readTree(run.output());
  }

  /** The {@code .tf} files of one module directory (not of its subdirectories), sorted. */
  static List<Path> tfFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.toString().endsWith(".tf")).sorted().toList();
    }
  }

  private static String program(String name, String missing) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    return fail(missing);
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("terraform/modules"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no terraform/modules above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
