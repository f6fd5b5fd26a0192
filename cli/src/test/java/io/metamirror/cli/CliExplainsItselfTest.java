package io.metamirror.cli;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line explains itself to a new user (issue 19 §4): unknown commands, {@code version},
 * {@code config check}, a missing {@code --fleet}. Each case as a user types it, in-process.
 */
class CliExplainsItselfTest {
  @TempDir Path temp;

  @Test
  void anUnknownCommandIsAUsageErrorEvenWithHelp() {
    for (Run r : List.of(run("regoin", "add", "--help"), run("regoin", "add", "eu-west-1"))) {
      assertEquals(2, r.exit(), r.toString());
      assertTrue(
          r.err().startsWith("metamirror: unknown command 'regoin' for 'metamirror'"), r.err());
      assertTrue(r.err().contains("Did you mean: region"), r.err());
      assertTrue(r.err().contains("Run 'metamirror --help'"), r.err());
      assertEquals("", r.out(), "no help page for a command that does not exist");
    }
  }

  @Test
  void anUnknownSubcommandNamesItsGroupAndTheNearestCommand() {
    Run r = run("sync", "stats", "--store", temp.toString());

    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("unknown command 'stats' for 'metamirror sync'"), r.err());
    assertTrue(r.err().contains("Did you mean: status?"), r.err());
  }

  @Test
  void versionPrintsTheVersionTheCommitAndTheJavaRuntime() {
    Run r = run("version");

    assertEquals(0, r.exit(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(0).matches("metamirror \\S+"), r.out());
    // In-process the classes are not in the jar: no commit to read (the jar's manifest has it).
    assertTrue(lines.get(1).matches("commit ([0-9a-f]{7,}( \\(modified\\))?|unknown)"), r.out());
    assertTrue(lines.get(2).startsWith("Java " + System.getProperty("java.version")), r.out());
    assertEquals(r.out(), run("--version").out(), "--version says the same");
  }

  @Test
  void configCheckNamesAnUnknownKeyItsLineAndTheKeyMeant() throws IOException {
    Path config = write("origin: http://127.0.0.1:8080\nstore: /srv/store\nlistn: 0.0.0.0:443\n");

    Run r = run("config", "check", "--config", config.toString());

    assertEquals(2, r.exit(), r.toString());
    assertEquals(
        "metamirror: config file "
            + config
            + " line 3: unknown key 'listn' (did you mean 'listen'?)",
        r.err().strip());
  }

  @Test
  void configCheckForAServiceRefusesKeysOfOtherCommandsWrongValuesAndMissingOptions()
      throws IOException {
    Path otherCommands = write("origin: http://127.0.0.1:8080\nstore: /srv/s\ndata: /srv/o\n");
    Run keys = run("config", "check", "--config", otherCommands.toString(), "--for", "mirror");
    assertEquals(2, keys.exit(), keys.toString());
    assertTrue(keys.err().contains("line 3: unknown key 'data'"), keys.err());
    assertEquals(0, run("config", "check", "--config", otherCommands.toString()).exit());

    Path badValue = write("origin: http://127.0.0.1:8080\nstore: /srv/s\nlisten: nope\n");
    Run value = run("config", "check", "--config", badValue.toString(), "--for", "mirror");
    assertEquals(2, value.exit(), value.toString());
    assertTrue(value.err().contains("'--listen': expected HOST:PORT, got nope"), value.err());

    Path missing = write("store: /srv/s\n");
    Run required = run("config", "check", "--config", missing.toString(), "--for", "mirror");
    assertEquals(2, required.exit(), required.toString());
    assertTrue(required.err().contains("'--origin=URL'"), required.err());

    Path good = write("origin: http://127.0.0.1:8080\nstore: /srv/s\nlisten: 0.0.0.0:443\n");
    Run ok = run("config", "check", "--config", good.toString(), "--for", "mirror");
    assertEquals(0, ok.exit(), ok.toString());
    assertEquals(good + ": ok for mirror serve", ok.out().strip());
  }

  @Test
  void configCheckOfAFileThatIsNotYamlOrMissingSaysSoInOneLine() throws IOException {
    Run notYaml = run("config", "check", "--config", write("a: [\n").toString());
    assertEquals(2, notYaml.exit(), notYaml.toString());
    assertTrue(notYaml.err().contains("is not valid YAML (line"), notYaml.err());
    assertEquals(1, notYaml.errLines().size(), notYaml.err());

    Run absent = run("config", "check", "--config", temp.resolve("none.yaml").toString());
    assertEquals(1, absent.exit(), absent.toString());
    assertTrue(absent.err().contains("config file not found: "), absent.err());
  }

  @Test
  void aServiceStartedWithATypoInItsConfigFileRefusesToStart() throws IOException {
    Path config = write("origin: http://127.0.0.1:1\nstore: /srv/s\nlistn: 0.0.0.0:443\n");

    Run r = run("mirror", "serve", "--config", config.toString());

    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("unknown key 'listn' (did you mean 'listen'?)"), r.err());
  }

  @Test
  void dnsWithoutAFleetFileIsAUsageError() {
    Run r = run("dns", "plan");

    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("missing --fleet FILE"), r.err());
  }

  @Test
  void aPortInUseIsNamedWithItsAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      String expected =
          "metamirror: cannot listen on "
              + address
              + ": address already in use (another process"
              + " listens there; stop it or pick another port)";

      Run origin =
          run("origin", "serve", "--data", temp.resolve("o").toString(), "--listen", address);
      assertEquals(1, origin.exit(), origin.toString());
      assertEquals(expected, origin.err().strip());

      Run mirror = mirrorServe("--listen", address);
      assertEquals(1, mirror.exit(), mirror.toString());
      assertEquals(expected, mirror.err().strip());
    }
  }

  @Test
  void aNegativeSnapshotBehindIsAUsageErrorOfSyncAndMirrorServe() {
    Run sync =
        run(
            "sync",
            "--origin",
            "http://127.0.0.1:9/",
            "--store",
            temp.resolve("s").toString(),
            "--snapshot-behind",
            "-1");
    assertEquals(2, sync.exit(), sync.toString());
    assertTrue(sync.err().contains("--snapshot-behind < 0: -1"), sync.err());
    assertTrue(run("sync", "--help").out().contains("--snapshot-behind=PERCENT"));

    Run mirror = mirrorServe("--snapshot-behind", "-1");
    assertEquals(2, mirror.exit(), mirror.toString());
    assertTrue(mirror.err().contains("--snapshot-behind < 0: -1"), mirror.err());
    assertTrue(run("mirror", "serve", "--help").out().contains("--snapshot-behind=PERCENT"));
  }

  @Test
  void aMissingFileIsNamedWithItsOptionAndPath() {
    Path none = temp.resolve("none.pem");
    Run tls = mirrorServe("--tls-cert", none.toString(), "--tls-key", none.toString());
    assertEquals(1, tls.exit(), tls.toString());
    assertEquals("metamirror: --tls-cert " + none + ": file not found", tls.err().strip());

    Run admin = mirrorServe("--admin-token-file", none.toString());
    assertEquals(1, admin.exit(), admin.toString());
    assertEquals(
        "metamirror: --admin-token-file " + none + ": token file not found", admin.err().strip());
  }

  /** {@code mirror serve} of an origin nobody runs and a fresh store, with {@code options}. */
  private Run mirrorServe(String... options) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "mirror",
                "serve",
                "--origin",
                "http://127.0.0.1:1/",
                "--store",
                temp.resolve("s").toString()));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(Files.createTempFile(temp, "config", ".yaml"), yaml);
  }
}
