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
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

  /**
   * A file to publish: where it goes, the source directory it is in, what it holds. Its location is
   * made when asked for, so that a plan of a million files holds no {@link Path} per file.
   */
  public record Put(ContentPath path, Path source, Sha256 sha256, long size) {
    /** The file in the source directory (a symbolic link there leads inside the source). */
    public Path file() {
      return source.resolve(path.value());
    }
  }

  /**
   * The tree a plan is made against. The origin answers from its compact tree, so that planning
   * does not copy a million paths into a map first.
   */
  public interface CurrentTree {
    /** The content the tree has at {@code path}, or null. */
    Sha256 sha256(ContentPath path);

    /** Every path the tree has. */
    Iterable<ContentPath> paths();

    static CurrentTree of(Map<ContentPath, Sha256> tree) {
      return new CurrentTree() {
        @Override
        public Sha256 sha256(ContentPath path) {
          return tree.get(path);
        }

        @Override
        public Iterable<ContentPath> paths() {
          return tree.keySet();
        }
      };
    }
  }

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
    return of(source, CurrentTree.of(current), indexGlobs);
  }

  /**
   * Plans against {@code current}. Holds a path, a sha256 and a size per file of the source, not
   * its contents.
   *
   * @throws InvalidSourceException when a file's name breaks the content path rules
   */
  public static DirectoryPlan of(Path source, CurrentTree current, List<String> indexGlobs)
      throws IOException {
    if (!Files.isDirectory(source)) {
      throw new IOException("not a directory: " + source);
    }
    Path root = source.toRealPath();
    List<PathMatcher> matchers = new ArrayList<>();
    for (String glob : indexGlobs) {
      matchers.add(indexMatcher(glob));
    }
    List<ContentPath> found = new ArrayList<>();
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
            if (attrs.isSymbolicLink()) {
              Path target = file.toRealPath();
              if (!target.startsWith(root)
                  || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                skipped[0]++;
                return FileVisitResult.CONTINUE;
              }
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
              found.add(ContentPath.parse(relative));
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
    found.sort(null);
    for (ContentPath path : found) {
      Path file = root.resolve(path.value());
      Sha256 sha256;
      long size = Files.size(file);
      try (InputStream in = Files.newInputStream(file)) {
        sha256 = Sha256.of(in);
      }
      if (sha256.equals(current.sha256(path))) {
        unchanged++;
        continue;
      }
      Put put = new Put(path, root, sha256, size);
      Path relative = Path.of(path.value());
      if (matchers.stream().anyMatch(m -> m.matches(relative))) {
        indexes.add(put);
      } else {
        files.add(put);
      }
    }
    indexes.sort(Comparator.comparingInt((Put p) -> -depth(p.path())).thenComparing(Put::path));
    List<ContentPath> deletes = new ArrayList<>();
    for (ContentPath path : current.paths()) {
      if (Collections.binarySearch(found, path) < 0) {
        deletes.add(path);
      }
    }
    deletes.sort(null);
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
