package io.metamirror.origin.publishdir;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.PatternSyntaxException;

/**
 * What it takes to make the origin's tree equal to a source directory, with the fewest entries and
 * in an order no mirror can observe a broken index in:
 *
 * <ol>
 *   <li>{@link #files}: new and changed files that are not index files, by path;
 *   <li>{@link #indexes}: new and changed index files (those matching an index glob), deepest
 *       first, so {@code simple/acme/index.html} lands before the {@code simple/index.html} that
 *       links to it;
 *   <li>{@link #deletes}: paths the tree has and the directory does not, last.
 * </ol>
 *
 * Unchanged files appear nowhere. Dot-named files and directories (such as {@code .git}) are not
 * content and are skipped; any other name that breaks the path rules makes planning fail, so
 * nothing is half-published.
 */
public record DirectoryPlan(
    List<Put> files, List<Put> indexes, List<ContentPath> deletes, int unchanged, int skipped) {

  /** Index files of common registry layouts: Composer, PEP 503 and PEP 691, apt, yum. */
  public static final List<String> DEFAULT_INDEX_GLOBS =
      List.of(
          "packages.json",
          "**/packages.json",
          "index.html",
          "**/index.html",
          "index.json",
          "**/index.json",
          "**/Packages",
          "**/Packages.*",
          "**/Sources",
          "**/Sources.*",
          "**/Release",
          "**/Release.gpg",
          "**/InRelease",
          "**/repomd.xml");

  /** A file to publish: where it is, where it goes, what it holds. */
  public record Put(ContentPath path, Path file, Sha256 sha256, long size) {}

  public DirectoryPlan {
    files = List.copyOf(files);
    indexes = List.copyOf(indexes);
    deletes = List.copyOf(deletes);
  }

  public boolean isEmpty() {
    return files.isEmpty() && indexes.isEmpty() && deletes.isEmpty();
  }

  public int changes() {
    return files.size() + indexes.size() + deletes.size();
  }

  /** Puts in publishing order: plain files, then index files. */
  public List<Put> puts() {
    List<Put> all = new ArrayList<>(files.size() + indexes.size());
    all.addAll(files);
    all.addAll(indexes);
    return all;
  }

  /**
   * Plans against {@code current} (path → sha256 of the origin's tree now).
   *
   * @throws InvalidSourceException when a file's name breaks the content path rules
   */
  public static DirectoryPlan of(
      Path source, Map<ContentPath, Sha256> current, List<String> indexGlobs) throws IOException {
    if (!Files.isDirectory(source)) {
      throw new IOException("not a directory: " + source);
    }
    Path root = source.toRealPath();
    List<PathMatcher> matchers = new ArrayList<>();
    for (String glob : indexGlobs) {
      matchers.add(indexMatcher(glob));
    }
    Map<ContentPath, Path> found = new TreeMap<>();
    List<String> invalid = new ArrayList<>();
    int[] skipped = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
              skipped[0]++;
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (file.getFileName().toString().startsWith(".")) {
              skipped[0]++;
              return FileVisitResult.CONTINUE;
            }
            Path content = file;
            if (attrs.isSymbolicLink()) {
              Path target = file.toRealPath();
              if (!target.startsWith(root)
                  || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                skipped[0]++;
                return FileVisitResult.CONTINUE;
              }
              content = target;
            } else if (!attrs.isRegularFile()) {
              skipped[0]++;
              return FileVisitResult.CONTINUE;
            }
            String relative =
                root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            String problem = ContentPath.problem(relative);
            if (problem != null) {
              invalid.add(problem);
            } else {
              found.put(ContentPath.parse(relative), content);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    if (!invalid.isEmpty()) {
      throw new InvalidSourceException(invalid);
    }
    List<Put> files = new ArrayList<>();
    List<Put> indexes = new ArrayList<>();
    int unchanged = 0;
    for (Map.Entry<ContentPath, Path> e : found.entrySet()) {
      Sha256 sha256;
      long size = Files.size(e.getValue());
      try (InputStream in = Files.newInputStream(e.getValue())) {
        sha256 = Sha256.of(in);
      }
      if (sha256.equals(current.get(e.getKey()))) {
        unchanged++;
        continue;
      }
      Put put = new Put(e.getKey(), e.getValue(), sha256, size);
      Path relative = Path.of(e.getKey().value());
      if (matchers.stream().anyMatch(m -> m.matches(relative))) {
        indexes.add(put);
      } else {
        files.add(put);
      }
    }
    indexes.sort(Comparator.comparingInt((Put p) -> -depth(p.path())).thenComparing(Put::path));
    List<ContentPath> deletes =
        current.keySet().stream().filter(p -> !found.containsKey(p)).sorted().toList();
    return new DirectoryPlan(files, indexes, deletes, unchanged, skipped[0]);
  }

  /**
   * The matcher for one index glob.
   *
   * @throws IllegalArgumentException naming the glob, on one line, when it is malformed
   */
  public static PathMatcher indexMatcher(String glob) {
    try {
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      // e.getMessage() spans three lines (pattern and a caret); the description is enough.
      throw new IllegalArgumentException(
          "not a valid glob: " + glob + " (" + e.getDescription() + ")");
    }
  }

  private static int depth(ContentPath path) {
    return (int) path.value().chars().filter(c -> c == '/').count();
  }

  /** Names in the source directory that cannot be content paths. */
  public static final class InvalidSourceException extends IOException {
    public InvalidSourceException(List<String> problems) {
      super(
          problems.size()
              + " file name(s) in the source cannot be published: "
              + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
              + (problems.size() > 5 ? "; …" : ""));
    }
  }
}
