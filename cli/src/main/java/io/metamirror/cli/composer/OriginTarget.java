package io.metamirror.cli.composer;

import io.metamirror.cli.TokenFile;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --origin} and {@code --token-file} options every composer command takes. */
public final class OriginTarget {
  @Option(
      names = "--origin",
      required = true,
      paramLabel = "URL",
      description = "The origin's base URL, e.g. http://127.0.0.1:8080/")
  URI origin;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "FILE",
      description = "File holding the origin's API bearer token.")
  Path tokenFile;

  ComposerApiClient client() {
    return new ComposerApiClient(origin, TokenFile.read(tokenFile));
  }
}
