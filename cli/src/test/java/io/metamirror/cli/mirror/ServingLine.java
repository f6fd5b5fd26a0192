package io.metamirror.cli.mirror;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** The URL a {@code mirror serve} process prints once it listens. */
final class ServingLine {
  private ServingLine() {}

  /**
   * Reads the process's standard output up to "mirror local/n1 serving http://127.0.0.1:PORT/ from
   * … (origin …)" and returns that URL; kills the process if it ends without printing one.
   */
  static URI read(Process mirror) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(mirror.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      int at = line.indexOf(" serving ");
      if (line.startsWith("mirror ") && at >= 0) {
        return URI.create(line.substring(at + 9).split("\\s+")[0]);
      }
    }
    mirror.destroyForcibly();
    throw new IOException("mirror serve printed no URL; exit " + mirror.exitValue());
  }
}
