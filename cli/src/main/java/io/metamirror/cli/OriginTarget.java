package io.metamirror.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --origin} and {@code --token-file} options of every command that writes to it. */
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

  public URI origin() {
    return origin;
  }

  /** The token, read from its file now (see {@link TokenFile#read}). */
  public String token() {
    return TokenFile.read(tokenFile, "--token-file");
  }
}
