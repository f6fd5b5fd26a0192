package io.metamirror.cli;

import static io.metamirror.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.protocol.Manifest;
import io.metamirror.protocol.Sha256;
import io.metamirror.testsupport.origin.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line as a user meets it: commands run in-process through {@link Main#commandLine}
 * with their output captured from the command line's writers, against real origins on loopback port
 * 0.
 */
class CliTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir Path temp;
  Path src;
  Path tokenFile;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void createSourceAndToken() throws IOException {
    src = Files.createDirectory(temp.resolve("src"));
    write("packages.json", "{\"metadata-url\":\"/p2/%package%.json\"}");
    write("p2/acme/widget.json", "{\"packages\":{\"acme/widget\":[]}}");
    write("p2/acme/gadget.json", "{\"packages\":{\"acme/gadget\":[]}}");
    tokenFile = Files.writeString(temp.resolve("token"), TestOrigin.TOKEN + "\n");
  }

  @AfterEach
  void closeServersAndRepositories() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private Path write(String relative, String content) throws IOException {
    Path file = src.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private OriginRepository openRepository(Path data) throws IOException {
    OriginRepository repo =
        OriginRepository.open(data, OriginRepository.Options.defaults(), Clock.systemUTC());
    toClose.add(repo);
    return repo;
  }

  /** A running origin on a free loopback port over a fresh data directory; returns its URL. */
  private URI startOrigin(String name) throws IOException {
    TestOrigin origin = TestOrigin.start(temp.resolve(name));
    toClose.add(origin);
    return origin.uri();
  }

  /** A loopback port nothing listens on (it was free a moment ago). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static URI closedOrigin() throws IOException {
    return URI.create("http://127.0.0.1:" + closedPort() + "/");
  }

  private static HttpResponse<byte[]> get(URI base, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The origin's tree as path → sha256, read the way a mirror bootstraps. */
  private static Map<String, Sha256> manifest(URI origin) throws Exception {
    HttpResponse<InputStream> response =
        HTTP.send(
            HttpRequest.newBuilder(origin.resolve(".metamirror/manifest")).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    Map<String, Sha256> tree = new TreeMap<>();
    try (InputStream body = response.body()) {
      for (Manifest.File f : Manifest.read(body).files()) {
        tree.put(f.path().value(), f.sha256());
      }
    }
    return tree;
  }

  /** The source directory as path → sha256 (regular files only). */
  private Map<String, Sha256> sourceTree() throws IOException {
    Map<String, Sha256> tree = new TreeMap<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        tree.put(src.relativize(f).toString(), Sha256.of(Files.readAllBytes(f)));
      }
    }
    return tree;
  }

  private static void assertNoStackTrace(Run run) {
    assertTrue(run.errLines().stream().noneMatch(l -> l.startsWith("\tat ")), run.toString());
    assertFalse(run.out().contains("\tat "), run.toString());
  }

  /** Exactly one line of stderr is the error, and it says {@code fragments}. */
  private static void assertOneErrorLine(Run run, String... fragments) {
    List<String> errors =
        run.errLines().stream().filter(l -> l.startsWith("metamirror: ")).toList();
    assertEquals(1, errors.size(), run.toString());
    for (String fragment : fragments) {
      assertTrue(errors.get(0).contains(fragment), "'" + fragment + "' not in: " + run);
    }
    assertNoStackTrace(run);
  }

  /** A data directory this test holds open, so that publishing into it is refused as in use. */
  private Path heldDataDirectory() throws IOException {
    Path data = temp.resolve("data");
    openRepository(data);
    return data;
  }

  /** Refused (exit 3), with the stack trace that --verbose asks for. */
  private static void assertRefusedWithAStackTrace(Run run) {
    assertEquals(3, run.exit(), run.toString());
    assertTrue(run.errLines().stream().anyMatch(l -> l.startsWith("\tat ")), run.toString());
  }

  /** The run failed with exit 1 and one line naming the origin it could not reach. */
  private static void assertCannotReach(Run run, URI origin) {
    assertEquals(1, run.exit(), run.toString());
    assertOneErrorLine(run, "cannot reach the origin at " + origin);
  }

  private static void assertContains(String text, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(text.contains(fragment), "'" + fragment + "' not in:\n" + text);
    }
  }

  // ---------------------------------------------------------------- help, version, usage

  @Test
  void everyCommandPrintsItsUsageWithHelpAndDocumentsEveryOption() {
    List<List<String>> commands = new ArrayList<>();
    collect(Main.commandLine(Map.of()), new ArrayList<>(), commands);
    assertTrue(commands.size() >= 6, "the tree is walked: " + commands);

    for (List<String> path : commands) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Run run = run(args.toArray(String[]::new));
      String qualified = String.join(" ", List.of("metamirror", String.join(" ", path))).trim();

      assertEquals(0, run.exit(), args + "\n" + run);
      // picocli's own help command prints a header line before its usage
      assertTrue(
          run.out().lines().anyMatch(l -> l.startsWith("Usage: " + qualified)), args + "\n" + run);
      assertEquals("", run.err(), args + "\n" + run);

      CommandLine command = Main.commandLine(Map.of());
      for (String name : path) {
        command = command.getSubcommands().get(name);
      }
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (option.hidden()) {
          continue;
        }
        assertContains(run.out(), option.longestName());
        assertTrue(
            option.description().length > 0 && !option.description()[0].isBlank(),
            qualified + " " + option.longestName() + " has no description");
      }
    }
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      List<String> next = new ArrayList<>(path);
      next.add(sub.getKey());
      collect(sub.getValue(), next, into);
    }
  }

  @Test
  void versionPrintsTheProgramsName() {
    Run run = run("--version");

    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().startsWith("metamirror "), run.toString());
  }

  @Test
  void rootHelpDocumentsEveryExitCode() {
    Run run = run("--help");

    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "Exit codes:");
    String codes = run.out().substring(run.out().indexOf("Exit codes:"));
    for (String code : List.of("0", "1", "2", "3")) {
      assertTrue(
          codes.lines().anyMatch(l -> l.strip().startsWith(code + "  ")),
          "exit code " + code + " not documented:\n" + codes);
    }
  }

  @Test
  void rootHelpDocumentsTheConfigurationSourcesAndTheirOrder() {
    Run run = run("--help");

    assertContains(run.out(), "--config", "METAMIRROR_", "Flags win over the file");
  }

  @Test
  void anUnknownOptionExitsTwoNamingIt() {
    Run root = run("--bogus");
    assertEquals(2, root.exit(), root.toString());
    assertContains(root.err(), "--bogus");

    Run sub =
        run("publish", "--origin", "http://127.0.0.1:1/", "--token-file", "t", "--frob", "src");
    assertEquals(2, sub.exit(), sub.toString());
    assertContains(sub.err(), "--frob");
    assertNoStackTrace(sub);
  }

  @Test
  void aMissingRequiredOptionExitsTwoNamingIt() {
    Run run = run("origin", "publish-dir", src.toString());

    assertEquals(2, run.exit(), run.toString());
    assertContains(run.err(), "--data");
  }

  @Test
  void aListenAddressWithoutAPortIsAUsageErrorNamingTheOption() {
    Run run = run("origin", "serve", "--data", temp.resolve("d").toString(), "--listen", "nohost");

    assertEquals(2, run.exit(), run.toString());
    assertContains(run.err(), "--listen", "nohost");
    assertFalse(Files.exists(temp.resolve("d")), "nothing was started");
  }

  @Test
  void aMalformedIndexGlobIsAUsageErrorNamingTheOptionAndTheGlob() throws IOException {
    String data = temp.resolve("data").toString();

    Run flag = run("origin", "publish-dir", "--index", "a,[b", "--data", data, src.toString());
    assertEquals(2, flag.exit(), flag.toString());
    assertContains(flag.err(), "--index", "not a valid glob: [b");

    Path config = yaml("index: \"[b\"\n");
    Run fromFile =
        run(
            "publish",
            "--config",
            "" + config,
            "--origin",
            "http://127.0.0.1:1/",
            "--token-file",
            "" + tokenFile,
            "" + src);
    assertEquals(2, fromFile.exit(), fromFile.toString());
    assertContains(fromFile.err(), "--index", "not a valid glob: [b");
    assertFalse(Files.exists(temp.resolve("data")), "nothing was done");
  }

  // ---------------------------------------------------------------- origin publish-dir

  @Test
  void publishDirCreatesTheDataDirectoryAndAServerOnItServesTheFiles() throws Exception {
    Path data = temp.resolve("new/data");

    Run run = run("origin", "publish-dir", "--data", data.toString(), src.toString());

    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "published 3 entries; head is now 3");
    URI origin = startOrigin("new/data");
    for (String path : List.of("packages.json", "p2/acme/widget.json", "p2/acme/gadget.json")) {
      HttpResponse<byte[]> response = get(origin, path);
      assertEquals(200, response.statusCode(), path);
      assertArrayEquals(Files.readAllBytes(src.resolve(path)), response.body(), path);
    }
    assertEquals(sourceTree(), manifest(origin));
  }

  @Test
  void publishDirOfAnUnchangedDirectorySaysNothingToPublish() {
    String data = temp.resolve("data").toString();
    assertEquals(0, run("origin", "publish-dir", "--data", data, src.toString()).exit());

    Run again = run("origin", "publish-dir", "--data", data, src.toString());

    assertEquals(0, again.exit(), again.toString());
    assertContains(again.out(), "3 unchanged", "nothing to publish");
  }

  @Test
  void publishDirWhileTheDataDirectoryIsInUseExitsThreeWithOneLine() throws IOException {
    Path data = temp.resolve("data");
    OriginRepository holder = openRepository(data);

    Run run = run("origin", "publish-dir", "--data", data.toString(), src.toString());

    assertEquals(3, run.exit(), run.toString());
    assertOneErrorLine(run, "in use", data.toString());
    assertEquals(0, holder.head(), "nothing was published");
  }

  @Test
  void publishDirWithVerbosePrintsTheStackTrace() throws IOException {
    Path data = heldDataDirectory();

    Run run = run("--verbose", "origin", "publish-dir", "--data", data.toString(), src.toString());

    assertRefusedWithAStackTrace(run);
    assertContains(run.err(), "in use", "DataDirectoryLockedException");
  }

  @Test
  void verboseAfterTheSubcommandAlsoPrintsTheStackTrace() throws IOException {
    Path data = heldDataDirectory();

    Run run = run("origin", "publish-dir", "--data", data.toString(), "--verbose", src.toString());

    assertRefusedWithAStackTrace(run);
  }

  @Test
  void verboseFromTheConfigFileAlsoPrintsTheStackTrace() throws IOException {
    Path data = heldDataDirectory();
    Path config = yaml("verbose: true\n");

    Run run =
        run("--config", config.toString(), "origin", "publish-dir", "--data", "" + data, "" + src);

    assertRefusedWithAStackTrace(run);
  }

  @Test
  void verboseFromTheEnvironmentAlsoPrintsTheStackTrace() throws IOException {
    Path data = heldDataDirectory();

    Run run =
        run(
            Map.of("METAMIRROR_VERBOSE", "true"),
            "origin",
            "publish-dir",
            "--data",
            data.toString(),
            src.toString());

    assertRefusedWithAStackTrace(run);
  }

  @Test
  void publishDirOfASourceWithABadFileNameExitsOneNamingItAndPublishesNothing() throws IOException {
    write("p2/acme\\evil.json", "{}");
    Path data = temp.resolve("data");

    Run run = run("origin", "publish-dir", "--data", data.toString(), src.toString());

    assertEquals(1, run.exit(), run.toString());
    assertOneErrorLine(run, "cannot be published", "backslash", "acme\\evil.json");
    assertEquals(0, openRepository(data).head());
  }

  @Test
  void publishDirWithDryRunPublishesNothing() throws IOException {
    Path data = temp.resolve("data");

    Run run = run("origin", "publish-dir", "--dry-run", "--data", data.toString(), src.toString());

    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "2 new or changed files, 1 index files", "dry run");
    assertEquals(0, openRepository(data).head());
  }

  // ---------------------------------------------------------------- publish (remote)

  @Test
  void publishMakesTheOriginsTreeEqualToTheSourceAndARepeatHasNothingToDo() throws Exception {
    URI origin = startOrigin("origin");
    String[] args = {
      "publish", "--origin", origin.toString(), "--token-file", tokenFile.toString(), src.toString()
    };

    Run first = run(args);
    assertEquals(0, first.exit(), first.toString());
    assertContains(first.out(), "published 3 changes");
    assertEquals(sourceTree(), manifest(origin));

    Run second = run(args);
    assertEquals(0, second.exit(), second.toString());
    assertContains(second.out(), "3 unchanged", "nothing to publish");

    write("p2/acme/widget.json", "{\"packages\":{\"acme/widget\":[\"2.0\"]}}");
    Files.delete(src.resolve("p2/acme/gadget.json"));
    Run third = run(args);
    assertEquals(0, third.exit(), third.toString());
    assertContains(third.out(), "1 new or changed files, 0 index files, 1 deletions");
    assertEquals(sourceTree(), manifest(origin));
    HttpResponse<byte[]> widget = get(origin, "p2/acme/widget.json");
    assertArrayEquals(Files.readAllBytes(src.resolve("p2/acme/widget.json")), widget.body());
    assertEquals(404, get(origin, "p2/acme/gadget.json").statusCode());
  }

  @Test
  void publishWithTheWrongTokenExitsOneWithTheRefusal() throws Exception {
    URI origin = startOrigin("origin");
    Path wrong = Files.writeString(temp.resolve("wrong-token"), "not-the-token\n");

    Run run =
        run("publish", "--origin", origin.toString(), "--token-file", wrong.toString(), "" + src);

    assertEquals(1, run.exit(), run.toString());
    assertOneErrorLine(run, "403", "refused");
    assertEquals(Map.of(), manifest(origin));
  }

  @Test
  void publishToAnUnreachableOriginExitsOneSayingSo() throws IOException {
    URI origin = closedOrigin();

    Run run =
        run(
            "publish",
            "--origin",
            origin.toString(),
            "--token-file",
            tokenFile.toString(),
            src.toString());

    assertEquals(1, run.exit(), run.toString());
    assertOneErrorLine(run, "cannot reach the origin", origin.toString());
  }

  @Test
  void publishWithAMissingTokenFileExitsOneSayingSo() throws Exception {
    URI origin = startOrigin("origin");
    Path missing = temp.resolve("no-such-token");

    Run run =
        run("publish", "--origin", origin.toString(), "--token-file", missing.toString(), "" + src);

    assertEquals(1, run.exit(), run.toString());
    assertOneErrorLine(run, "--token-file " + missing + ": token file not found");
    assertEquals(Map.of(), manifest(origin));
  }

  @Test
  void publishWithDryRunReadsTheOriginButSendsNothing() throws Exception {
    URI origin = startOrigin("origin");

    Run run =
        run(
            "publish",
            "--dry-run",
            "--origin",
            origin.toString(),
            "--token-file",
            tokenFile.toString(),
            src.toString());

    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "2 new or changed files, 1 index files", "dry run");
    assertEquals(Map.of(), manifest(origin));
  }

  // ---------------------------------------------------------------- configuration

  private Path yaml(String content) throws IOException {
    return Files.writeString(temp.resolve("metamirror.yaml"), content);
  }

  private Run dryRunPublish(Map<String, String> env, String... options) {
    List<String> args = new ArrayList<>(List.of("publish", "--dry-run"));
    args.addAll(List.of(options));
    args.add(src.toString());
    return run(env, args.toArray(String[]::new));
  }

  @Test
  void anOriginFlagBeatsTheConfigFileAndTheEnvironment() throws Exception {
    URI live = startOrigin("origin");
    URI deadInFile = closedOrigin();
    URI deadInEnv = closedOrigin();
    Path config = yaml("origin: " + deadInFile + "\n");
    Map<String, String> env = Map.of("METAMIRROR_ORIGIN", deadInEnv.toString());

    Run flagLive =
        dryRunPublish(
            env,
            "--config",
            config.toString(),
            "--origin",
            live.toString(),
            "--token-file",
            tokenFile.toString());
    assertEquals(0, flagLive.exit(), flagLive.toString());

    Path liveConfig = yaml("origin: " + live + "\n");
    URI deadFlag = closedOrigin();
    Run flagDead =
        dryRunPublish(
            Map.of("METAMIRROR_ORIGIN", live.toString()),
            "--config",
            liveConfig.toString(),
            "--origin",
            deadFlag.toString(),
            "--token-file",
            tokenFile.toString());
    assertCannotReach(flagDead, deadFlag);
  }

  @Test
  void theConfigFileBeatsTheEnvironment() throws Exception {
    URI live = startOrigin("origin");
    URI dead = closedOrigin();

    Path liveConfig = yaml("origin: " + live + "\ntoken-file: " + tokenFile + "\n");
    Run fileLive =
        dryRunPublish(
            Map.of("METAMIRROR_ORIGIN", dead.toString()), "--config", liveConfig.toString());
    assertEquals(0, fileLive.exit(), fileLive.toString());

    Path deadConfig = yaml("origin: " + dead + "\n");
    Run fileDead =
        dryRunPublish(
            Map.of("METAMIRROR_ORIGIN", live.toString()),
            "--config",
            deadConfig.toString(),
            "--token-file",
            tokenFile.toString());
    assertCannotReach(fileDead, dead);
  }

  @Test
  void theConfigFileCanBeNamedByTheEnvironment() throws Exception {
    URI live = startOrigin("origin");
    Path config = yaml("origin: " + live + "\ntoken-file: " + tokenFile + "\n");

    Run run = dryRunPublish(Map.of("METAMIRROR_CONFIG", config.toString()));

    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "dry run");
  }

  @Test
  void theEnvironmentSuppliesWhatNeitherFlagNorFileGives() throws Exception {
    URI live = startOrigin("origin");

    Run run =
        dryRunPublish(
            Map.of(
                "METAMIRROR_ORIGIN", live.toString(),
                "METAMIRROR_TOKEN_FILE", tokenFile.toString()));
    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "2 new or changed files, 1 index files");

    URI dead = closedOrigin();
    Run deadEnv =
        dryRunPublish(
            Map.of("METAMIRROR_ORIGIN", dead.toString()), "--token-file", tokenFile.toString());
    assertCannotReach(deadEnv, dead);
  }

  @Test
  void aListOptionCanBeAYamlListOrACommaSeparatedString() throws IOException {
    write("catalog/a.idx", "a");
    write("catalog/b.idx", "b");
    String data = temp.resolve("data").toString();
    String[] publishDir = {"origin", "publish-dir", "--dry-run", "--data", data, src.toString()};
    List<String> args = new ArrayList<>(List.of(publishDir));

    Path list = yaml("index:\n  - \"**/*.idx\"\n");
    args.addAll(List.of("--config", list.toString()));
    Run fromList = run(Map.of(), args.toArray(String[]::new));
    assertEquals(0, fromList.exit(), fromList.toString());
    assertContains(fromList.out(), "3 new or changed files, 2 index files");

    yaml("index: \"**/*.idx,packages.json\"\n"); // same file, new content
    Run fromString = run(Map.of(), args.toArray(String[]::new));
    assertEquals(0, fromString.exit(), fromString.toString());
    assertContains(fromString.out(), "2 new or changed files, 3 index files");

    Run fromEnv = run(Map.of("METAMIRROR_INDEX", "**/*.idx"), publishDir);
    assertEquals(0, fromEnv.exit(), fromEnv.toString());
    assertContains(fromEnv.out(), "3 new or changed files, 2 index files");
  }

  @Test
  void aConfigFileThatDoesNotExistIsAClearError() throws Exception {
    URI live = startOrigin("origin");
    Path missing = temp.resolve("nope.yaml");

    Run run =
        dryRunPublish(
            Map.of(),
            "--config",
            missing.toString(),
            "--origin",
            live.toString(),
            "--token-file",
            tokenFile.toString());

    assertNotEquals(0, run.exit(), run.toString());
    assertContains(run.err(), "config file not found: " + missing);
    assertNoStackTrace(run);

    Run fromEnv =
        dryRunPublish(
            Map.of("METAMIRROR_CONFIG", missing.toString()),
            "--origin",
            live.toString(),
            "--token-file",
            tokenFile.toString());
    assertNotEquals(0, fromEnv.exit(), fromEnv.toString());
    assertContains(fromEnv.err(), "config file not found: " + missing);
    assertNoStackTrace(fromEnv);
  }

  @Test
  void aMissingConfigFileIsNamedRatherThanTheOptionsItWasToSupply() throws IOException {
    Path missing = temp.resolve("nope.yaml");

    Run run = run("publish", "--config", missing.toString(), src.toString());

    assertNotEquals(0, run.exit(), run.toString());
    assertOneErrorLine(run, "config file not found: " + missing);
  }

  @Test
  void aConfigFileThatIsNotAMappingIsAClearError() throws IOException {
    Path config = yaml("- just\n- a list\n");
    String data = temp.resolve("data").toString();

    Run run = run("--config", "" + config, "origin", "publish-dir", "--data", data, "" + src);

    assertNotEquals(0, run.exit(), run.toString());
    assertOneErrorLine(run, "must be a YAML mapping", config.toString());
    assertFalse(Files.exists(temp.resolve("data")), "nothing was done");
  }

  @Test
  void aConfigFileThatIsNotYamlIsOneClearLine() throws IOException {
    Path config = yaml("origin: [unclosed\n");
    String data = temp.resolve("data").toString();

    Run run = run("--config", "" + config, "origin", "publish-dir", "--data", data, "" + src);

    assertNotEquals(0, run.exit(), run.toString());
    assertOneErrorLine(run, "config file " + config + " is not valid YAML");
    assertEquals(1, run.errLines().size(), run.toString());
  }

  @Test
  void helpStillWorksWithABrokenConfigFile() {
    Path missing = temp.resolve("nope.yaml");

    Run run = run(Map.of("METAMIRROR_CONFIG", missing.toString()), "publish", "--help");

    assertEquals(0, run.exit(), run.toString());
    assertContains(run.out(), "Usage: metamirror publish");
  }

  // ---------------------------------------------------------------- HostPort

  @Test
  void hostPortAcceptsHostV6AndAllInterfacesForms() {
    assertEquals(new HostPort("127.0.0.1", 0), HostPort.parse("127.0.0.1:0"));
    assertEquals(new HostPort("::1", 8080), HostPort.parse("[::1]:8080"));
    assertEquals(new HostPort("0.0.0.0", 8080), HostPort.parse(":8080"));
    assertEquals(new HostPort("example.test", 65535), HostPort.parse("example.test:65535"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "nohost, expected HOST:PORT",
    "h:99999, out of range",
    "h:-1, out of range",
    "h:x, not a number",
    "h:, not a number"
  })
  void hostPortRejectsAMissingPortAnOutOfRangePortAndANonNumber(String hostPort, String why) {
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(hostPort));
    assertContains(thrown.getMessage(), why, hostPort);
  }
}
