package io.metamirror.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code metamirror demo} prints once it is up: where things are, and lines to paste. Every
 * indented line under a heading ending in ':' is a shell command that works as pasted, in order, in
 * a fresh shell: paths are absolute (and quoted when they need it), the Composer project lives
 * under the demo's directory ({@code mkdir -p}, so a second run works), and the publish line names
 * the launcher by its absolute path, which the {@code metamirror} scripts export as {@value
 * #LAUNCHER_ENV}.
 */
final class DemoBanner {
  /** Set by both launcher scripts to their own absolute path. */
  static final String LAUNCHER_ENV = "METAMIRROR_LAUNCHER";

  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private DemoBanner() {}

  /** The launcher to print: {@value #LAUNCHER_ENV} when set, else {@code metamirror} on PATH. */
  static String launcher(Map<String, String> env) {
    String path = env.get(LAUNCHER_ENV);
    return path == null || path.isBlank() ? "metamirror" : path;
  }

  static String text(
      Path home,
      Path log,
      URI origin,
      Path tokenFile,
      Path caFile,
      Map<String, URI> mirrors,
      String launcher) {
    StringBuilder nodes = new StringBuilder();
    mirrors.forEach((region, uri) -> nodes.append(String.format("  %-11s %s%n", region, uri)));
    URI first = mirrors.values().iterator().next();
    String ca = word(caFile.toAbsolutePath().toString());
    String token = word(tokenFile.toAbsolutePath().toString());
    return String.format(
        """
        metamirror demo — data in %1$s

        origin      %2$s   (publishing API token in %3$s)
        %4$s
        CA          %5$s
        log         %6$s

        Read through any mirror (same ETag and Last-Modified on every node):
          curl --cacert %7$s %8$spackages.json
          curl --cacert %7$s -si %8$sp2/acme/widget.json
          curl --cacert %7$s %8$s.metamirror/health

        Publish, and watch every node have it within milliseconds:
          curl -s -X PUT -H "Authorization: Bearer $(cat %9$s)" --data-binary 'hello' %2$s.metamirror/api/files/hello.txt
          curl --cacert %7$s %8$shello.txt

        Use it from Composer (packagist.org switched off):
          mkdir -p %10$s && cd %10$s
          echo '{"repositories":[{"type":"composer","url":"%8$s"},{"packagist.org":false}],"require":{"acme/gadget":"^1.2"}}' > composer.json
          COMPOSER_CAFILE=%7$s composer update --no-install

        Publish a new Composer version; the origin regenerates p2/acme/logger.json:
          echo '{"name":"acme/logger","version":"1.0.0","require":{"php":">=8.0"}}' > %11$s
          %12$s composer publish --origin %2$s --token-file %9$s %11$s
          curl --cacert %7$s %8$sp2/acme/logger.json

        Ctrl-C stops the demo.
        """,
        home,
        origin,
        tokenFile.toAbsolutePath(),
        nodes.toString().stripTrailing(),
        caFile.toAbsolutePath(),
        log,
        ca,
        first,
        token,
        word(home.resolve("app").toString()),
        word(home.resolve("logger.json").toString()),
        word(launcher));
  }

  /** {@code s} as one shell word: as is when plain, else in single quotes. */
  static String word(String s) {
    return PLAIN_WORD.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
