package io.metamirror.sync.verify;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.CompressedTypes;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Re-hashes every file of a store against its local manifest, and optionally repairs what is wrong
 * by fetching the manifest's content from the origin (verified, then renamed into place). A twin
 * whose content is not its file's is a problem too; repair rewrites it.
 */
public final class StoreVerifier {
  /** One file that is not what the manifest says. */
  public record Problem(ContentPath path, String what) {}

  /** Fetches a blob's verified bytes into a file; the sync agent's origin client does this. */
  public interface BlobSource {
    void fetch(Sha256 sha256, long size, Path target) throws IOException;
  }

  private StoreVerifier() {}

  /** Checks every file; {@code progress} hears how many were checked. Problems sorted by path. */
  public static List<Problem> verify(Path root, List<LocalFile> files, LongConsumer progress)
      throws IOException {
    List<Problem> problems = new ArrayList<>();
    long done = 0;
    java.util.Set<ContentPath> content = new java.util.HashSet<>();
    files.forEach(f -> content.add(f.path()));
    for (LocalFile f : files) {
      Path file = f.path().resolveUnder(root);
      try {
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file)) {
          problems.add(new Problem(f.path(), "missing or not a regular file"));
        } else {
          Sha256 actual;
          try (InputStream in = Files.newInputStream(file)) {
            actual = Sha256.of(in);
          }
          if (!actual.equals(f.sha256())) {
            problems.add(
                new Problem(f.path(), "content is " + actual + ", expected " + f.sha256()));
          } else {
            ContentPath twinPath = Store.twinPath(f.path());
            Path twin = twinPath == null ? null : twinPath.resolveUnder(root);
            if (twin != null && !content.contains(twinPath) && Files.exists(twin)) {
              Sha256 inflated;
              try (InputStream in = new GZIPInputStream(Files.newInputStream(twin))) {
                inflated = Sha256.of(in);
              } catch (IOException e) {
                inflated = null;
              }
              if (!f.sha256().equals(inflated)) {
                problems.add(new Problem(f.path(), "its .gz twin holds other content"));
              }
            }
          }
        }
      } catch (NoSuchFileException e) {
        problems.add(new Problem(f.path(), "missing"));
      }
      progress.accept(++done);
    }
    problems.sort(Comparator.comparing(Problem::path));
    return problems;
  }

  /** Re-fetches each problem file from {@code source} and installs it; returns how many. */
  public static int repair(Store store, List<Problem> problems, BlobSource source)
      throws IOException {
    int repaired = 0;
    for (Problem p : problems) {
      LocalFile f = store.file(p.path());
      if (f == null) {
        continue;
      }
      Path target = store.pathOf(f.path());
      Path temp = store.tempFile();
      Path twinTemp = Store.twinFile(temp);
      try {
        source.fetch(f.sha256(), f.size(), temp);
        boolean twin =
            store.wantsTwin(f.path(), f.size())
                && Store.writeTwin(temp, twinTemp, CompressedTypes.gzipRequired(f.path()));
        store.install(f.path(), temp, twin ? twinTemp : null, f.time());
        store.syncAll(List.of(target), List.of(target.getParent()));
        repaired++;
      } finally {
        Files.deleteIfExists(temp);
        Files.deleteIfExists(twinTemp);
      }
    }
    return repaired;
  }
}
