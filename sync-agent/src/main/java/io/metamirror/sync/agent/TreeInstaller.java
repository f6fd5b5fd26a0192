package io.metamirror.sync.agent;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Manifest;
import io.metamirror.sync.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Moves a flushed staging tree (a whole snapshot, each file verified, twins made) into a store, the
 * second step of a {@link Bootstrapper} run.
 *
 * <p>Moves go in the seq order of the puts, which replays the tree in journal order (referenced
 * files before their indexes). A directory the store does not have yet moves whole, with one
 * rename, when the last put inside it is due: all its files appear at once, none before its turn.
 * Into directories the store has, files move one by one, each old twin deleted before its file and
 * the new twin moved after it. Then what the new tree lacks is deleted, twins before their files,
 * and the directories touched are flushed.
 *
 * <p>Files a delta keeps ({@link Bootstrapper}) are not in staging and are not touched: neither
 * moved nor deleted, nor their twins.
 *
 * <p>A reader in between sees the old tree with some files newer; into an empty store (a new node)
 * that is what a bootstrap mostly does, one rename per top-level directory instead of two per file.
 * A crash part-way leaves the store so; the next bootstrap overwrites it file by file.
 */
final class TreeInstaller {
  private final Store store;
  private final IntConsumer afterStep;

  /**
   * A step: one file, or a whole directory the store lacks ({@code directory} is then its path
   * relative to the content root). Steps run in order of {@code seq}: a file's own, a directory's
   * latest.
   */
  private record Step(long seq, String directory, int file) {}

  /**
   * @param afterStep hears the number of steps done after each one: a seam for crash tests
   */
  TreeInstaller(Store store, IntConsumer afterStep) {
    this.store = store;
    this.afterStep = afterStep;
  }

  /**
   * Installs {@code staging}, which holds the manifest's files but those {@code kept} marks (a
   * delta: the store has them already, and keeps them with their twins), and the twins of those
   * {@code twins} marks.
   */
  void install(Path staging, Manifest manifest, boolean[] twins, boolean[] kept)
      throws IOException {
    List<Manifest.File> files = manifest.files();
    Set<ContentPath> content = new HashSet<>();
    files.forEach(f -> content.add(f.path()));
    Path root = store.root();
    Set<Path> directories = new LinkedHashSet<>();
    Set<Path> keep = new HashSet<>();
    for (int i = 0; i < files.size(); i++) {
      if (kept[i]) {
        Path file = store.pathOf(files.get(i).path());
        keep.add(file);
        if (Store.mayHaveTwin(files.get(i).path(), content::contains)) {
          keep.add(Store.twinFile(file));
        }
      }
    }
    Set<Path> wholeTargets = new HashSet<>();
    int done = 0;
    for (Step step : plan(root, files, kept)) {
      if (step.directory() != null) {
        Path to = root.resolve(step.directory());
        Files.move(staging.resolve(step.directory()), to, StandardCopyOption.ATOMIC_MOVE);
        wholeTargets.add(to);
        directories.add(to.getParent());
      } else {
        Manifest.File f = files.get(step.file());
        Path to = store.pathOf(f.path());
        if (directories.add(to.getParent())) {
          Files.createDirectories(to.getParent()); // once per directory, not once per file
        }
        boolean twin = twins[step.file()];
        moveFile(f, f.path().resolveUnder(staging), to, twin, content);
        keep.add(to);
        if (twin) {
          keep.add(Store.twinFile(to));
        }
      }
      afterStep.accept(++done);
    }
    List<Path> extraneous = new ArrayList<>();
    // A directory moved in whole holds exactly the new tree's files.
    store.forEachContentFile(
        wholeTargets::contains,
        file -> {
          if (!keep.contains(file)) {
            extraneous.add(file);
          }
        });
    // Names in reverse order, so that x.json.gz goes before x.json: no twin outlives its file.
    extraneous.sort(Comparator.reverseOrder());
    for (Path file : extraneous) {
      Files.deleteIfExists(file);
      directories.add(file.getParent());
    }
    store.syncAll(List.of(), directories);
  }

  /** The steps in the order they run; for each file, the outermost directory it lacks, if any. */
  private static List<Step> plan(Path root, List<Manifest.File> files, boolean[] kept) {
    Map<String, Boolean> present = new HashMap<>();
    Map<String, Long> movedWhole = new HashMap<>();
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      if (kept[i]) {
        continue; // in place already, so its directory exists: it moves nothing whole
      }
      Manifest.File f = files.get(i);
      String missing = outermostMissing(root, f.path().value(), present);
      if (missing == null) {
        steps.add(new Step(f.seq(), null, i));
      } else {
        movedWhole.merge(missing, f.seq(), Math::max);
      }
    }
    movedWhole.forEach((dir, seq) -> steps.add(new Step(seq, dir, -1)));
    steps.sort(
        Comparator.comparingLong(Step::seq)
            .thenComparing(
                s -> s.directory() != null ? s.directory() : files.get(s.file()).path().value()));
    return steps;
  }

  /**
   * Moves one file (and its twin) over whatever the store has at its path: the old twin goes first,
   * the new one comes last, so that the file never stands beside a twin of another version (see
   * {@link Store}).
   */
  private static void moveFile(
      Manifest.File f, Path from, Path to, boolean twin, Set<ContentPath> content)
      throws IOException {
    Path twinTo = Store.twinFile(to);
    if (Store.mayHaveTwin(f.path(), content::contains)) {
      Files.deleteIfExists(twinTo); // the old content's twin must not outlive it
    }
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (twin) {
      Files.move(
          Store.twinFile(from),
          twinTo,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The outermost directory of {@code path} (relative, {@code /}-separated) that {@code root}
   * lacks, or null when the file's directory exists. {@code present} caches what was looked up.
   */
  private static String outermostMissing(Path root, String path, Map<String, Boolean> present) {
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      String dir = path.substring(0, slash);
      boolean exists =
          present.computeIfAbsent(
              dir, d -> Files.exists(root.resolve(d), LinkOption.NOFOLLOW_LINKS));
      if (!exists) {
        return dir;
      }
    }
    return null;
  }
}
