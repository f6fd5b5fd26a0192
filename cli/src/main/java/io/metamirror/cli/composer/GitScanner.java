package io.metamirror.cli.composer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metamirror.origin.composer.PackageName;
import io.metamirror.origin.composer.VersionDocuments;
import io.metamirror.origin.composer.VersionParser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FS;

/**
 * Reads the versions of one Composer package from a git repository, bare or not. Only committed
 * state counts: the work tree, the index and remote-tracking branches are ignored.
 *
 * <ul>
 *   <li>A tag (annotated tags peeled) whose name {@link VersionParser#normalize} accepts as a
 *       non-dev version becomes that version; {@code version} is the tag name as written ({@code
 *       v1.2.0}). Of tags naming the same version ({@code 1.0.0}, {@code v1.0.0}) the first by name
 *       wins.
 *   <li>A branch ({@code refs/heads/*}) becomes the dev version {@link VersionParser#branchVersion}
 *       gives ({@code main} → {@code dev-main}, {@code 1.x} → {@code 1.x-dev}).
 *   <li>Each needs a {@code composer.json} at its commit that is a JSON object, and the resulting
 *       document must pass {@link VersionDocuments#problems}.
 *   <li>The package name is the one in the composer.json of HEAD's branch, the default branch (else
 *       the one most versions name), as packagist.org takes it. Versions whose composer.json has no
 *       name or another one are published under that name all the same, with one warning listing
 *       them (packagist keeps them too; an old tag from before a rename is still a version of the
 *       package).
 *   <li>The dev version of the default branch carries {@code "default-branch": true}.
 * </ul>
 *
 * Each document is that composer.json plus {@code version}, {@code source} ({@code git}, the
 * repository URL, the commit id), {@code dist} ({@code zip} from the URL template, when one is set)
 * and {@code time} (the commit's author time, UTC, as Composer's git driver and packagist take it).
 * Everything skipped gets one warning naming the tag or branch. Documents come tags first, then
 * branches, each by ref name.
 *
 * <pre>{@code
 * ScanResult result =
 *     GitScanner.defaults()
 *         .withSourceUrl("https://git.example/acme/foo.git")
 *         .withDistUrlTemplate("https://codeload.example/{name}/zip/{reference}")
 *         .scan(Path.of("/srv/git/foo.git"));
 * // {"name":"acme/foo", ..., "version":"v1.2.0",
 * //  "source":{"type":"git","url":"https://git.example/acme/foo.git","reference":"3f2a..."},
 * //  "dist":{"type":"zip","url":"https://codeload.example/acme/foo/zip/3f2a...",
 * //          "reference":"3f2a..."},
 * //  "time":"2024-05-01T12:00:00+00:00"}   (and on dev-main: "default-branch":true)
 * }</pre>
 */
public final class GitScanner {
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** Far above any real composer.json; keeps a stray huge blob from being read into memory. */
  private static final int MAX_COMPOSER_JSON_BYTES = 1 << 20;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final Set<String> PLACEHOLDERS = Set.of("name", "version", "reference");

  /** The form Composer repositories serve ({@code 2024-05-01T12:00:00+00:00}). */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

  private final String sourceUrl; // null: the directory's file URI
  private final String distUrlTemplate; // null: no dist

  private GitScanner(String sourceUrl, String distUrlTemplate) {
    this.sourceUrl = sourceUrl;
    this.distUrlTemplate = distUrlTemplate;
  }

  /** No dist; the source URL is the scanned directory's {@code file:} URI. */
  public static GitScanner defaults() {
    return new GitScanner(null, null);
  }

  /** The URL written into every {@code source}, e.g. {@code https://git.example/acme/foo.git}. */
  public GitScanner withSourceUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("source URL is blank");
    }
    return new GitScanner(url, distUrlTemplate);
  }

  /**
   * A {@code dist} URL with placeholders {@code {name}}, {@code {version}} and {@code {reference}},
   * substituted as they are (not URL-encoded), e.g. {@code
   * https://codeload.example/{name}/zip/{reference}}.
   */
  public GitScanner withDistUrlTemplate(String template) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException("dist URL template is blank");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "unknown placeholder " + m.group() + " in dist URL template: " + template);
      }
    }
    return new GitScanner(sourceUrl, template);
  }

  /**
   * Scans the repository in {@code directory} (a bare repository or a work tree with {@code .git}).
   *
   * @throws IOException if it is not a git repository or cannot be read
   */
  public ScanResult scan(Path directory) throws IOException {
    String url =
        sourceUrl != null ? sourceUrl : directory.toAbsolutePath().normalize().toUri().toString();
    List<String> warnings = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    String headBranch;
    try (Repository repo = open(directory);
        RevWalk walk = new RevWalk(repo)) {
      Ref head = repo.exactRef(Constants.HEAD);
      headBranch = head != null && head.isSymbolic() ? head.getTarget().getName() : null;
      for (Ref ref : refs(repo, Constants.R_TAGS)) {
        String tag = Repository.shortenRefName(ref.getName());
        String label = "tag " + tag;
        String normalized;
        try {
          normalized = VersionParser.normalize(tag);
        } catch (IllegalArgumentException e) {
          warnings.add(label + ": not a version (" + e.getMessage() + ")");
          continue;
        }
        if (VersionParser.isDev(normalized)) {
          warnings.add(label + ": names a dev version; dev versions come from branches");
          continue;
        }
        read(repo, walk, ref, label, tag, normalized, url, false, warnings)
            .ifPresent(candidates::add);
      }
      for (Ref ref : refs(repo, Constants.R_HEADS)) {
        String branch = ref.getName().substring(Constants.R_HEADS.length());
        String label = "branch " + branch;
        String version;
        String normalized;
        try {
          version = VersionParser.branchVersion(branch);
          normalized = VersionParser.normalizeBranch(branch);
        } catch (IllegalArgumentException e) {
          warnings.add(label + ": no version for this branch name (" + e.getMessage() + ")");
          continue;
        }
        boolean defaultBranch = ref.getName().equals(headBranch);
        read(repo, walk, ref, label, version, normalized, url, defaultBranch, warnings)
            .ifPresent(candidates::add);
      }
    } catch (RepositoryNotFoundException e) {
      throw new IOException("not a git repository: " + directory, e);
    }

    String name = packageName(candidates, headBranch);
    if (name == null) {
      candidates.forEach(c -> warnings.add(c.label() + ": no composer.json names the package"));
      return new ScanResult(List.of(), warnings);
    }
    List<String> renamed = new ArrayList<>();
    List<ObjectNode> documents = new ArrayList<>();
    Map<String, String> labelByVersion = new HashMap<>();
    for (Candidate c : candidates) {
      ObjectNode doc = c.document();
      doc.put("name", name);
      if (distUrlTemplate != null) {
        ObjectNode dist = doc.putObject("dist");
        dist.put("type", "zip").put("url", distUrl(name, doc.get("version").asText(), c.commit()));
        dist.put("reference", c.commit());
      }
      List<String> problems = VersionDocuments.problems(doc);
      if (!problems.isEmpty()) {
        warnings.add(c.label() + ": composer.json" + c.at() + ": " + String.join("; ", problems));
        continue;
      }
      String earlier = labelByVersion.putIfAbsent(c.normalized(), c.label());
      if (earlier != null) {
        warnings.add(c.label() + ": same version as " + earlier + " (" + c.normalized() + ")");
        continue;
      }
      documents.add(doc);
      if (!name.equals(c.name())) {
        renamed.add(c.label());
      }
    }
    if (!renamed.isEmpty()) {
      warnings.add(
          String.join(", ", renamed)
              + ": composer.json names another package or none; published as "
              + name
              + ", the name on the default branch");
    }
    return new ScanResult(documents, warnings);
  }

  /**
   * A version whose composer.json could be read; its {@code name} (null when missing or invalid) is
   * replaced by the package's, then the document is checked, and duplicates.
   */
  private record Candidate(
      String refName,
      String label,
      String at,
      String commit,
      String name,
      String normalized,
      ObjectNode document) {}

  private static Repository open(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IOException("not a directory: " + directory);
    }
    File dir = directory.toFile();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    if (RepositoryCache.FileKey.isGitRepository(dir, FS.DETECTED)) {
      builder.setGitDir(dir);
    } else {
      builder.setWorkTree(dir);
    }
    return builder.build();
  }

  private static List<Ref> refs(Repository repo, String prefix) throws IOException {
    List<Ref> refs = new ArrayList<>(repo.getRefDatabase().getRefsByPrefix(prefix));
    refs.sort(Comparator.comparing(Ref::getName));
    return refs;
  }

  private Optional<Candidate> read(
      Repository repo,
      RevWalk walk,
      Ref ref,
      String label,
      String version,
      String normalized,
      String url,
      boolean defaultBranch,
      List<String> warnings)
      throws IOException {
    RevObject target;
    try {
      target = walk.peel(walk.parseAny(ref.getObjectId()));
    } catch (MissingObjectException e) {
      warnings.add(label + ": points to a missing object " + e.getObjectId().name());
      return Optional.empty();
    }
    if (!(target instanceof RevCommit commit)) {
      warnings.add(
          label + ": points to a " + Constants.typeString(target.getType()) + ", not a commit");
      return Optional.empty();
    }
    String at = " at " + commit.abbreviate(10).name();
    ObjectNode json;
    try (TreeWalk file = TreeWalk.forPath(repo, "composer.json", commit.getTree())) {
      if (file == null) {
        warnings.add(label + ": no composer.json" + at);
        return Optional.empty();
      }
      FileMode mode = file.getFileMode(0);
      if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
        warnings.add(label + ": composer.json" + at + " is not a regular file");
        return Optional.empty();
      }
      ObjectLoader blob = repo.open(file.getObjectId(0), Constants.OBJ_BLOB);
      if (blob.getSize() > MAX_COMPOSER_JSON_BYTES) {
        warnings.add(label + ": composer.json" + at + " is larger than 1 MiB");
        return Optional.empty();
      }
      JsonNode parsed = JSON.readTree(blob.getCachedBytes(MAX_COMPOSER_JSON_BYTES));
      if (!(parsed instanceof ObjectNode object)) {
        warnings.add(label + ": composer.json" + at + " is not a JSON object");
        return Optional.empty();
      }
      json = object;
    } catch (JsonProcessingException e) {
      warnings.add(
          label + ": composer.json" + at + " is not valid JSON (" + e.getOriginalMessage() + ")");
      return Optional.empty();
    }

    JsonNode nameNode = json.get("name");
    String name =
        nameNode != null && nameNode.isTextual() && PackageName.problem(nameNode.asText()).isEmpty()
            ? nameNode.asText()
            : null;
    String reference = commit.name();
    json.remove("version_normalized");
    json.remove("dist");
    json.put("version", version);
    ObjectNode source = json.putObject("source");
    source.put("type", "git").put("url", url).put("reference", reference);
    Instant authored = commit.getAuthorIdent().getWhenAsInstant();
    json.put("time", TIME.format(authored));
    if (defaultBranch) {
      json.put("default-branch", true);
    }
    return Optional.of(new Candidate(ref.getName(), label, at, reference, name, normalized, json));
  }

  private String distUrl(String name, String version, String reference) {
    return PLACEHOLDER
        .matcher(distUrlTemplate)
        .replaceAll(
            m ->
                Matcher.quoteReplacement(
                    switch (m.group(1)) {
                      case "name" -> name;
                      case "version" -> version;
                      default -> reference;
                    }));
  }

  /**
   * The name in HEAD's branch's composer.json decides, as packagist takes it from the default
   * branch; else the name most versions give; null when none gives a valid one.
   */
  private static String packageName(List<Candidate> candidates, String headBranch) {
    for (Candidate c : candidates) {
      if (c.refName().equals(headBranch) && c.name() != null) {
        return c.name();
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    candidates.stream()
        .filter(c -> c.name() != null)
        .forEach(c -> counts.merge(c.name(), 1, Integer::sum));
    return counts.entrySet().stream()
        .min(
            Comparator.<Map.Entry<String, Integer>>comparingInt(e -> -e.getValue())
                .thenComparing(Map.Entry::getKey))
        .map(Map.Entry::getKey)
        .orElse(null);
  }
}
