package io.metamirror.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.metamirror.cli.Main;
import io.metamirror.dns.fleet.FleetFileParser;
import io.metamirror.fleet.userdata.UserDataTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code scripts/package} run on the jar that {@code mvn verify} built, and the .deb it writes
 * looked at as an operator's machine would: listed with {@code dpkg-deb -c}, unpacked into a
 * scratch root with {@code dpkg-deb -x}, its launcher run from there, its units checked by
 * systemd's own {@code systemd-analyze}.
 */
class DebianPackageTest {
  static final List<String> UNITS =
      List.of("metamirror-mirror.service", "metamirror-origin.service", "metamirror-dns.service");

  @TempDir static Path dir;
  static Path deb;
  static Path tarball;
  static Path root;
  static String version;

  @BeforeAll
  static void buildAndUnpack() throws Exception {
    Path jar = Path.of(System.getProperty("metamirror.jar"));
    assertTrue(
        Files.isRegularFile(jar),
        "no " + jar + ": the packaging tests run after cli's package phase (mvn verify)");
    Path repository = Path.of(System.getProperty("metamirror.repository"));
    Commands.Result built =
        Commands.run(
            List.of(
                repository.resolve("scripts/package").toString(),
                "--jar",
                jar.toString(),
                "--out",
                dir.resolve("dist").toString()));
    assertEquals(0, built.exit(), built.toString());
    List<String> written = built.out().lines().toList();
    deb = Path.of(written.get(0));
    tarball = Path.of(written.get(1));
    Matcher name = Pattern.compile("metamirror_(.+)_all\\.deb").matcher(deb.getFileName() + "");
    assertTrue(name.matches(), "the .deb's name: " + deb);
    version = name.group(1);
    root = dir.resolve("root");
    Commands.Result unpacked = Commands.run(List.of("dpkg-deb", "-x", deb + "", root + ""));
    assertEquals(0, unpacked.exit(), unpacked.toString());
  }

  @Test
  void theDebHoldsTheLauncherTheJarTheUnitsAndTheConfigs() throws Exception {
    String listing = Commands.check(List.of("dpkg-deb", "-c", deb.toString()));
    List<String> expected = new ArrayList<>();
    expected.addAll(
        List.of(
            "./usr/bin/metamirror",
            "./usr/share/metamirror/metamirror.jar",
            "./usr/share/metamirror/jvm-defaults.sh",
            "./etc/metamirror/mirror.yaml",
            "./etc/metamirror/origin.yaml",
            "./etc/metamirror/dns.yaml",
            "./usr/share/doc/metamirror/deploy.md",
            "./usr/share/doc/metamirror/examples/fleet.yaml"));
    UNITS.forEach(unit -> expected.add("./lib/systemd/system/" + unit));
    for (String path : expected) {
      assertTrue(listing.contains(" " + path + "\n"), path + " in\n" + listing);
    }
    assertTrue(
        listing.lines().allMatch(line -> line.contains(" root/root ")),
        "every file owned by root\n" + listing);
    assertTrue(
        Files.isExecutable(root.resolve("usr/bin/metamirror")), "the launcher is executable");

    Path control = dir.resolve("control");
    Commands.check(List.of("dpkg-deb", "-e", deb.toString(), control.toString()));
    assertEquals(
        List.of(
            "/etc/metamirror/mirror.yaml",
            "/etc/metamirror/origin.yaml",
            "/etc/metamirror/dns.yaml"),
        Files.readAllLines(control.resolve("conffiles")),
        "the example configs are conffiles: an upgrade keeps the operator's edits");
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertTrue(Files.isExecutable(control.resolve(script)), script);
    }
    String depends = Commands.check(List.of("dpkg-deb", "-f", deb.toString(), "Depends"));
    assertTrue(depends.contains("java17-runtime-headless"), depends);
    assertTrue(
        Commands.check(List.of("tar", "tzf", tarball.toString()))
            .contains("/share/metamirror/metamirror.jar\n"),
        "the tarball holds the jar");
  }

  @Test
  void theUnpackedLauncherRunsTheJarBesideIt() throws Exception {
    String launcher = root.resolve("usr/bin/metamirror").toString();
    Commands.Result v = Commands.run(List.of(launcher, "--version"));
    assertEquals(0, v.exit(), v.toString());
    assertTrue(v.out().startsWith("metamirror " + version.replace('~', '-') + "\n"), v.toString());

    // `version` names the commit the jar was built from (this checkout's, when built in git).
    Commands.Result installed = Commands.run(List.of(launcher, "version"));
    assertEquals(0, installed.exit(), installed.toString());
    List<String> lines = installed.out().lines().toList();
    assertEquals(v.out(), installed.out(), "version and --version agree");
    String commit = Files.exists(Path.of("..", ".git")) ? "[0-9a-f]{7,}.*" : ".+";
    assertTrue(lines.get(1).matches("commit " + commit), installed.toString());
    assertTrue(lines.get(2).startsWith("Java "), installed.toString());

    Commands.Result help = Commands.run(List.of(launcher, "mirror", "serve", "--help"));
    assertEquals(0, help.exit(), help.toString());
    assertTrue(help.out().contains("--drain-grace"), help.toString());
  }

  @Test
  void eachUnitVerifiesCleanly() throws Exception {
    // What else a Debian system gives the units: systemd's own units (the targets they order
    // against) and /bin/kill (ExecReload). verify checks that every command of a unit exists,
    // so it looks in this root, where /usr/bin/metamirror is the unpacked one.
    Files.createDirectories(root.resolve("usr/lib/systemd"));
    Commands.check(
        List.of("cp", "-r", "/usr/lib/systemd/system", root.resolve("usr/lib/systemd") + "/"));
    Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"));
    for (String unit : UNITS) {
      Commands.Result verify =
          Commands.run(List.of("systemd-analyze", "verify", "--root=" + root, unit));
      assertEquals(0, verify.exit(), unit + ": " + verify);
      assertEquals("", verify.out() + verify.err(), unit + " prints nothing");
    }
  }

  @Test
  void eachUnitIsExposedAtMostThreeOfTen() throws Exception {
    Pattern overall = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)");
    for (String unit : UNITS) {
      String report =
          Commands.check(
              List.of(
                  "systemd-analyze",
                  "security",
                  "--offline=yes",
                  root.resolve("lib/systemd/system").resolve(unit).toString()));
      Matcher m = overall.matcher(report);
      assertTrue(m.find(), unit + ": no overall exposure in\n" + report);
      double exposure = Double.parseDouble(m.group(1));
      assertTrue(exposure <= 3.0, unit + " exposure " + exposure + "\n" + report);
    }
  }

  @Test
  void onlyTheMirrorMayBindPrivilegedPortsAndOnlyWhatRereadsOnSighupHasReload() throws Exception {
    for (String unit : UNITS) {
      String text = Files.readString(root.resolve("lib/systemd/system").resolve(unit));
      boolean mirror = unit.equals("metamirror-mirror.service");
      assertEquals(
          mirror,
          text.contains("\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"),
          unit + ": CAP_NET_BIND_SERVICE for the mirror (:443) only");
      assertEquals(
          !unit.equals("metamirror-origin.service"),
          text.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"),
          unit + ": mirror serve (certificate) and dns watch (fleet file) reread on SIGHUP");
      assertTrue(text.contains("\nType=notify\n") && text.contains("\nNotifyAccess=all\n"), unit);
      assertTrue(text.contains("\nRestart=on-failure\n"), unit);
    }
  }

  /**
   * Each unit's ExecStart names a config file and a command; every key of that file must be an
   * option of that command (the CLI ignores a key it does not know, so a misspelt one would be lost
   * silently).
   */
  @Test
  void theExampleConfigsUseTheirCommandsRealOptionNames() throws Exception {
    Pattern execStart =
        Pattern.compile("\\nExecStart=/usr/bin/metamirror --config (\\S+) (\\w+) (\\w+)\\n");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (String unit : UNITS) {
      Matcher m =
          execStart.matcher(Files.readString(root.resolve("lib/systemd/system").resolve(unit)));
      assertTrue(m.find(), unit + ": ExecStart");
      Path config = root.resolve(m.group(1).substring(1));
      CommandLine command =
          Main.commandLine(Map.of())
              .getSubcommands()
              .get(m.group(2))
              .getSubcommands()
              .get(m.group(3));
      assertNotNull(command, unit + ": " + m.group(2) + " " + m.group(3));
      JsonNode keys = yaml.readTree(config.toFile());
      assertTrue(keys.size() > 0, config + " sets something");
      for (String key : (Iterable<String>) keys::fieldNames) {
        assertNotNull(
            command.getCommandSpec().findOption("--" + key),
            config + ": " + key + " is no option of " + m.group(2) + " " + m.group(3));
      }
    }
    FleetFileParser.parse(root.resolve("usr/share/doc/metamirror/examples/fleet.yaml"));
  }

  /**
   * The user-data the fleet renders for a node (the same template terraform renders) fits the
   * packaged mirror unit: it writes the config file the unit reads, its store is the unit's state
   * directory (the only place ProtectSystem=strict lets the node write), and every key is an option
   * of {@code mirror serve}.
   */
  @Test
  void theNodeUserDataFitsThePackagedMirrorUnit() throws Exception {
    String unit = Files.readString(root.resolve("lib/systemd/system/metamirror-mirror.service"));
    Matcher config = Pattern.compile("\\nExecStart=\\S+ --config (\\S+) ").matcher(unit);
    assertTrue(config.find(), "ExecStart names the config file");
    Matcher state = Pattern.compile("\\nStateDirectory=(\\S+)\\n").matcher(unit);
    assertTrue(state.find(), "the unit has a state directory");

    UserDataTemplate template = UserDataTemplate.node();
    Map<String, String> values = new java.util.HashMap<>();
    template.placeholders().forEach(name -> values.put(name, "1"));
    values.put("origin_url", "https://origin.example.com/");
    values.put("port", "443");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode userData = yaml.readTree(template.render(values));
    JsonNode written = null;
    for (JsonNode file : userData.path("write_files")) {
      if (file.path("path").asText().equals(config.group(1))) {
        written = yaml.readTree(file.path("content").asText());
      }
    }
    assertNotNull(written, "the user-data writes " + config.group(1));
    assertEquals("/var/lib/" + state.group(1), written.path("store").asText());
    Path file = Files.writeString(dir.resolve("node-mirror.yaml"), written.toString());
    String[] check = {"config", "check", "--config", file.toString(), "--for", "mirror"};
    assertEquals(0, Main.commandLine(Map.of(), check).execute(check), written.toString());
  }

  /**
   * The units are Type=notify: the unpacked launcher, started as systemd would (NOTIFY_SOCKET set),
   * sends READY=1 once the origin listens. The receiving end is a datagram socket read by python3,
   * standing in for systemd's (Java cannot bind one).
   */
  @Test
  void theUnpackedOriginTellsTheServiceManagerWhenItListens() throws Exception {
    try (NotifySocket socket = NotifySocket.open(dir.resolve("notify.sock"))) {
      ProcessBuilder serve =
          new ProcessBuilder(
                  root.resolve("usr/bin/metamirror").toString(),
                  "origin",
                  "serve",
                  "--data",
                  dir.resolve("origin").toString(),
                  "--listen",
                  "127.0.0.1:0")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      serve.environment().put("NOTIFY_SOCKET", socket.path().toString());
      Process origin = serve.start();
      try {
        String message = socket.awaitMessageContaining("READY=1");
        assertTrue(
            message.matches("(?s).*STATUS=serving http://127\\.0\\.0\\.1:[0-9]+/.*"), message);
        assertTrue(origin.isAlive(), "still serving after it said so");
      } finally {
        origin.destroyForcibly().waitFor();
      }
    }
  }
}
