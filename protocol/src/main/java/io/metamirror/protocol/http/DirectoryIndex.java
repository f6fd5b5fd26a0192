package io.metamirror.protocol.http;

import io.metamirror.protocol.BadPathException;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.ContentTypes;
import java.util.List;

/**
 * A request for a directory, such as {@code GET /simple/demo-pkg/} (a PEP 503 project page),
 * answered as a static web server answers it: with a file of that directory, the same way on the
 * origin and on every node (DESIGN §5).
 *
 * <ul>
 *   <li>The directory is a {@link ContentPath} (the target without its one trailing slash), so a
 *       directory target obeys every path rule a file's does: {@code /simple//}, {@code
 *       /simple/../} and {@code /%2e%2e/} are refused as {@code simple/}, {@code simple/..} and
 *       {@code ..} are.
 *   <li>{@code index.html}, as {@code text/html; charset=utf-8}; or, when the client prefers PEP
 *       691's JSON ({@code Accept: application/vnd.pypi.simple.v1+json} weighted above every HTML
 *       form, as pip sends it) and the publisher provided {@code index.json}, that file as {@value
 *       #PYPI_JSON}. Without an {@code index.json} the HTML answers: pip accepts both. Nothing is
 *       generated from the HTML (DESIGN §5).
 *   <li>Both forms carry {@code Vary: Accept}, so a cache keeps them apart.
 *   <li>A file target whose file is missing but whose {@code index.html} exists is redirected (301)
 *       to the directory, as PyPI redirects {@code /simple/demo-pkg}; the {@code Location} is
 *       relative ({@code demo-pkg/}), so it holds behind any host name or prefix.
 * </ul>
 *
 * @param directory the directory, {@code simple/demo-pkg}
 * @param prefersJson whether the client asked for PEP 691 JSON above HTML
 */
public record DirectoryIndex(ContentPath directory, boolean prefersJson) {
  public static final String HTML_FILE = "index.html";
  public static final String JSON_FILE = "index.json";
  public static final String PYPI_JSON = "application/vnd.pypi.simple.v1+json";

  /** The {@code Accept} a node sends the origin for a client that prefers JSON. */
  static final String ACCEPT_JSON = PYPI_JSON + ", text/html;q=0.01";

  private static final List<String> JSON_TYPES =
      List.of(PYPI_JSON, "application/vnd.pypi.simple.latest+json");
  private static final List<String> HTML_TYPES =
      List.of(
          "application/vnd.pypi.simple.v1+html",
          "application/vnd.pypi.simple.latest+html",
          "text/html",
          "text/*",
          "*/*");

  /** Whether a target's path (raw or decoded) names a directory: a trailing slash, not the root. */
  public static boolean isDirectory(String requestPath) {
    return requestPath.length() > 1 && requestPath.endsWith("/");
  }

  /**
   * The request for {@code directoryPath}, a decoded path with one trailing slash and no leading
   * one ({@code simple/demo-pkg/}), by a client that sent {@code accept} (null: none).
   *
   * @throws BadPathException naming the rule the directory breaks
   */
  public static DirectoryIndex of(String directoryPath, Iterable<String> acceptLines) {
    return of(directoryPath, acceptLines == null ? null : String.join(", ", acceptLines));
  }

  /** As {@link #of(String, Iterable)} for a request with one {@code Accept} line, or none. */
  public static DirectoryIndex of(String directoryPath, String accept) {
    if (!directoryPath.endsWith("/")) {
      throw new IllegalArgumentException("not a directory path: " + directoryPath);
    }
    ContentPath directory =
        ContentPath.parse(directoryPath.substring(0, directoryPath.length() - 1));
    String problem = ContentPath.problem(directory.value() + "/" + HTML_FILE);
    if (problem != null) {
      throw new BadPathException(problem);
    }
    return new DirectoryIndex(directory, prefersJson(accept));
  }

  /**
   * Whether {@code accept} weights PEP 691's JSON above every HTML form ({@code text/html}, {@code
   * text/*}, any type, PEP 691's HTML types); a tie goes to HTML, the format every client reads.
   */
  static boolean prefersJson(String accept) {
    if (accept == null) {
      return false;
    }
    int json = highestWeight(accept, JSON_TYPES);
    return json > 0 && json > highestWeight(accept, HTML_TYPES);
  }

  private static int highestWeight(String accept, List<String> types) {
    int highest = AcceptEncoding.NOT_LISTED;
    for (String type : types) {
      highest = Math.max(highest, AcceptEncoding.weight(accept, type));
    }
    return highest;
  }

  public ContentPath html() {
    return ContentPath.parse(directory.value() + "/" + HTML_FILE);
  }

  public ContentPath json() {
    return ContentPath.parse(directory.value() + "/" + JSON_FILE);
  }

  /** The files that may answer, the preferred first: the first that exists answers. */
  public List<ContentPath> candidates() {
    return prefersJson ? List.of(json(), html()) : List.of(html());
  }

  /** The {@code Content-Type} of {@code served}, one of the {@link #candidates()}. */
  public String contentType(ContentPath served) {
    return served.equals(json()) ? PYPI_JSON : ContentTypes.of(served);
  }

  /** The {@code Accept} a node sends the origin on this client's behalf. */
  public String upstreamAccept() {
    return prefersJson ? ACCEPT_JSON : "text/html";
  }

  /** {@code Vary} for an answer of this request: {@code Accept} added to {@code vary} (or null). */
  public static String varyWithAccept(String vary) {
    return vary == null || vary.isEmpty() ? "Accept" : "Accept, " + vary;
  }

  /** The index whose presence redirects a request for the file {@code path}, or null (too long). */
  public static ContentPath redirectingIndex(ContentPath path) {
    String index = path.value() + "/" + HTML_FILE;
    return ContentPath.problem(index) == null ? ContentPath.parse(index) : null;
  }

  /**
   * The relative {@code Location} that sends a client from the file target {@code rawTarget} (its
   * path as sent, not decoded, already judged by the path rules) to its directory: its last segment
   * and a slash, then the query as sent.
   */
  public static String redirectLocation(String rawTarget, String query) {
    String segment = rawTarget.substring(rawTarget.lastIndexOf('/') + 1);
    // "a:b/" would read as a URI with the scheme "a"
    String location = (segment.indexOf(':') >= 0 ? "./" : "") + segment + "/";
    return query == null || query.isEmpty() ? location : location + "?" + query;
  }
}
