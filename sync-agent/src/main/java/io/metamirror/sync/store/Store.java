package io.metamirror.sync.store;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.DirectoryLock;
import io.metamirror.protocol.Epoch;
import io.metamirror.protocol.FileSystemSync;
import io.metamirror.protocol.http.CompressedTypes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mirror's copy of the origin's tree, laid out so that any web server can serve it as it is:
 *
 * <pre>
 * STORE/packages.json             content at its path, mtime = its journal time
 * STORE/packages.json.gz          precompressed twin (gzip_static), same mtime
 * STORE/.metamirror/lock          held by the process that has the store open
 * STORE/.metamirror/cursor        {@link Cursor}
 * STORE/.metamirror/manifest(.log) {@link LocalManifest}
 * STORE/.metamirror/staging/      a snapshot being unpacked (bootstrap)
 * STORE/.metamirror/tmp/5f1c…(.gz) files (and twins) being written, until renamed into place
 * STORE/.metamirror/status.json   the agent's last status, for `metamirror sync status`
 * STORE/.metamirror/scrub         where the mirror node's background scrub is (its ScrubState)
 * </pre>
 *
 * <p>A precompressed twin is written only when it is smaller and {@code <path>.gz} is not itself a
 * content path (apt repositories publish {@code Packages} and {@code Packages.gz} side by side).
 *
 * <p>Every file reaches its path by rename from a temp file in {@code .metamirror/tmp/}, so a
 * reader sees a whole old or a whole new file. Not beside the target, as a dot-name: the node never
 * serves dot-names, but a plain web server pointed at the store would, and a crash left them in the
 * served tree (issue 17, item 6). The state directory is inside the store, so on its file system,
 * and the rename stays atomic. Temp files left by a crash are deleted by {@link #open}.
 *
 * <p>A file and its twin never disagree: whoever reads both at any instant, or after a crash at any
 * instant, finds the twin missing or the twin of the file beside it. So an install deletes the old
 * twin before it moves the file, and moves the new twin after; a removal deletes the twin first. In
 * between, a gzip client gets the file uncompressed, never another version.
 */
public final class Store implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Store.class);
  public static final String STATE_DIR = ".metamirror";

  /** Under {@link #STATE_DIR}: files being written, renamed into place when whole. */
  public static final String TEMP_DIR = "tmp";

  /**
   * Twins of files up to this size are made in memory ({@link TwinEncoder}); larger ones stream.
   */
  private static final long IN_MEMORY_TWIN = 4 << 20;

  private final Path root;
  private final Path state;
  private final Path temp;
  private final DirectoryLock lock;
  private final LocalManifest manifest;
  private final FileSystemSync sync = new FileSystemSync(true);
  private volatile Cursor cursor;

  private Store(Path root, DirectoryLock lock, LocalManifest manifest, Cursor cursor) {
    this.root = root;
    this.state = root.resolve(STATE_DIR);
    this.temp = state.resolve(TEMP_DIR);
    this.lock = lock;
    this.manifest = manifest;
    this.cursor = cursor;
  }

  /**
   * Opens (creating) the store at {@code root} for writing: locks it and cleans up after a crash.
   */
  public static Store open(Path root) throws IOException {
    Files.createDirectories(root);
    Path state = root.resolve(STATE_DIR);
    Files.createDirectories(state);
    DirectoryLock lock =
        DirectoryLock.acquire(
            state.resolve("lock"),
            holder ->
                new StoreLockedException(
                    "store " + root + " is in use by another metamirror process (" + holder + ")"));
    try {
      Cursor cursor = Cursor.read(state.resolve("cursor"));
      LocalManifest manifest = new LocalManifest(state);
      manifest.load();
      Store store = new Store(root, lock, manifest, cursor);
      int removed = store.removeTempFiles();
      Files.createDirectories(store.temp);
      if (removed > 0) {
        log.info("event=store_temp_files_removed files={}", removed);
      }
      return store;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Reads a store's cursor and manifest without locking it (for status and verify). */
  public static Snapshot read(Path root) throws IOException {
    Path state = root.resolve(STATE_DIR);
    if (!Files.isDirectory(state)) {
      throw new NoSuchFileException(root + " is not a metamirror store (no " + STATE_DIR + "/)");
    }
    LocalManifest manifest = new LocalManifest(state);
    manifest.loadReadOnly();
    return new Snapshot(Cursor.read(state.resolve("cursor")), List.copyOf(manifest.all()));
  }

  /** A store's state as read by {@link #read}. */
  public record Snapshot(Cursor cursor, List<LocalFile> files) {}

  public Path root() {
    return root;
  }

  public Path stateDir() {
    return state;
  }

  public Cursor cursor() {
    return cursor;
  }

  public LocalFile file(ContentPath path) {
    return manifest.get(path);
  }

  public Collection<LocalFile> files() {
    return manifest.all();
  }

  public int fileCount() {
    return manifest.size();
  }

  /** The sum of the sizes of the files the manifest lists. */
  public long totalSize() {
    return manifest.totalSize();
  }

  /**
   * The files the manifest lists, in the order of their paths' UTF-8 bytes, those after {@code
   * after} only (all when null). The order is fixed when this is called; each entry is read when
   * the iteration reaches it (one removed meanwhile is skipped, one added is not listed). Entries
   * are made one at a time, so a pass over a million files holds no list of them.
   */
  public Iterable<LocalFile> filesInPathOrder(ContentPath after) {
    return manifest.inPathOrder(after);
  }

  public Path pathOf(ContentPath path) {
    return path.resolveUnder(root);
  }

  /**
   * A fresh name for a file to write and then {@link #install}; its twin goes to {@link #twinFile}
   * of it. Never served, deleted by the next {@link #open} if left behind.
   */
  public Path tempFile() {
    return temp.resolve(UUID.randomUUID().toString());
  }

  /** How temp files were named before they moved to {@code .metamirror/tmp/}: beside the target. */
  static boolean isLegacyTemp(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.contains(".tmp-");
  }

  /** Whether {@code path}, holding {@code size} bytes, gets a twin, given the store's tree. */
  public boolean wantsTwin(ContentPath path, long size) {
    return wantsTwin(path, size, p -> manifest.get(p) != null);
  }

  /**
   * Whether {@code path}, holding {@code size} bytes, gets a precompressed twin in a tree where
   * {@code isContent} tells which paths are content: when {@link CompressedTypes#worthGzip} (the
   * rule the origin applies on the fly) and {@link #mayHaveTwin}.
   */
  public static boolean wantsTwin(ContentPath path, long size, Predicate<ContentPath> isContent) {
    return CompressedTypes.worthGzip(path, size) && mayHaveTwin(path, isContent);
  }

  /**
   * Whether a twin of {@code path} may exist, whatever the size of its content (an older, larger
   * version may have left one to remove): not for already-compressed formats ({@link
   * CompressedTypes}), not when {@code <path>.gz} is content.
   */
  public static boolean mayHaveTwin(ContentPath path, Predicate<ContentPath> isContent) {
    if (CompressedTypes.alreadyCompressed(path)) {
      return false;
    }
    ContentPath twin = twinPath(path);
    return twin != null && !isContent.test(twin);
  }

  /**
   * Writes {@code source} gzip-compressed to {@code target}; keeps it only when it is smaller.
   * Returns whether it was kept.
   */
  public static boolean writeTwin(Path source, Path target) throws IOException {
    return writeTwin(source, target, false);
  }

  /**
   * As {@link #writeTwin(Path, Path)}; with {@code evenIfLarger} ({@link
   * CompressedTypes#gzipRequired}) the twin is kept whatever its size.
   */
  public static boolean writeTwin(Path source, Path target, boolean evenIfLarger)
      throws IOException {
    long size = Files.size(source);
    if (size <= IN_MEMORY_TWIN) {
      byte[] content = Files.readAllBytes(source);
      return writeTwin(content, content.length, target, evenIfLarger);
    }
    try (java.io.InputStream in = Files.newInputStream(source);
        java.util.zip.GZIPOutputStream out =
            new java.util.zip.GZIPOutputStream(Files.newOutputStream(target), 64 * 1024) {
              {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED); // as TwinEncoder
              }
            }) {
      in.transferTo(out);
    }
    if (Files.size(target) >= size && !evenIfLarger) {
      Files.delete(target);
      return false;
    }
    return true;
  }

  /**
   * Writes the twin of {@code content[0..length)} to {@code target} when it is smaller (see {@link
   * TwinEncoder}); returns whether it was written.
   */
  public static boolean writeTwin(byte[] content, int length, Path target) throws IOException {
    return writeTwin(content, length, target, false);
  }

  /** As {@link #writeTwin(byte[], int, Path)}; with {@code evenIfLarger} whatever its size. */
  public static boolean writeTwin(byte[] content, int length, Path target, boolean evenIfLarger)
      throws IOException {
    TwinEncoder encoder = TwinEncoder.forThisThread();
    int n = encoder.encode(content, length, evenIfLarger);
    if (n < 0) {
      return false;
    }
    writeNew(target, encoder.bytes(), n);
    return true;
  }

  /** Creates {@code target} (which must not exist) holding {@code bytes[0..length)}. */
  public static void writeNew(Path target, byte[] bytes, int length) throws IOException {
    try (FileChannel out =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    }
  }

  /**
   * Sets a file's mtime (and atime, to the same value: giving both spares the {@code fstat} that
   * keeping the old atime costs, and nothing reads a store's atimes).
   */
  public static void stamp(Path file, FileTime time) throws IOException {
    Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(time, time, null);
  }

  /** The file of {@code file}'s twin, {@code <file>.gz} beside it (or of a temp file's twin). */
  public static Path twinFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".gz");
  }

  /** {@code <path>.gz}, or null when that would be too long to be a content path. */
  public static ContentPath twinPath(ContentPath path) {
    // A valid path with ".gz" appended breaks no rule but, maybe, the length limit.
    String twin = path.value() + ".gz";
    return twin.getBytes(StandardCharsets.UTF_8).length <= ContentPath.MAX_BYTES
        ? ContentPath.parse(twin)
        : null;
  }

  /**
   * Moves a verified temp file (and its twin, if any) to {@code path}, stamped with {@code time},
   * in the tree the manifest lists.
   */
  public void install(ContentPath path, Path temp, Path twinTemp, long time) throws IOException {
    install(path, temp, twinTemp, time, p -> manifest.get(p) != null);
  }

  /**
   * Moves a verified temp file (and its twin, if any) to {@code path}, stamped with {@code time},
   * in a tree where {@code isContent} tells which paths are content (in the middle of a page, the
   * manifest does not know yet). The old twin goes first and the new one comes last, so that no
   * instant pairs the file with a twin of another version (see the class comment).
   */
  public void install(
      ContentPath path, Path temp, Path twinTemp, long time, Predicate<ContentPath> isContent)
      throws IOException {
    Path target = pathOf(path);
    Files.createDirectories(target.getParent());
    FileTime mtime = FileTime.fromMillis(time);
    stamp(temp, mtime);
    if (twinTemp != null) {
      stamp(twinTemp, mtime);
    }
    ContentPath twin = twinPath(path);
    if (twin != null && !isContent.test(twin)) {
      Files.deleteIfExists(pathOf(twin)); // the old content's twin must not outlive it
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (twinTemp != null) {
      Files.move(
          twinTemp,
          pathOf(twin),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Deletes the file at {@code path} and its generated twin, in a tree where {@code isContent}
   * tells which paths are content (a {@code <path>.gz} that is content stays).
   */
  public void remove(ContentPath path, Predicate<ContentPath> isContent) throws IOException {
    ContentPath twin = twinPath(path);
    if (twin != null && !isContent.test(twin)) {
      Files.deleteIfExists(pathOf(twin)); // first: a twin must not outlive its file
    }
    Files.deleteIfExists(pathOf(path));
  }

  /**
   * Makes everything written since the last commit durable, records it in the manifest and moves
   * the cursor. Called after the files of a page are in place, in seq order; {@code changes} are
   * the page's, in seq order too (see {@link LocalManifest#append}).
   */
  public void commit(
      Cursor next,
      Collection<Path> writtenFiles,
      Collection<Path> directories,
      List<StoreChange> changes)
      throws IOException {
    sync.sync(root, writtenFiles, directories);
    manifest.append(changes);
    next.write(state.resolve("cursor"));
    cursor = next;
    if (manifest.logLines() > Math.max(10_000, manifest.size())) {
      manifest.rewrite(next.epoch(), next.seq());
    }
  }

  /**
   * Writes back what the store's file system holds dirty, durable or not (see {@link
   * FileSystemSync#flushAhead}): a head start for a later {@link #syncAll}, never a substitute.
   */
  public void flushAhead() {
    sync.flushAhead(root);
  }

  /** Flushes the whole file system the store is on (one syncfs, or fsync per file as fallback). */
  public void syncAll(Collection<Path> files, Collection<Path> directories) throws IOException {
    sync.sync(root, files, directories);
  }

  /** Replaces the manifest and the cursor wholesale, after a bootstrap. */
  public void reset(Cursor next, Collection<LocalFile> files) throws IOException {
    manifest.clearInMemory();
    files.forEach(manifest::putInMemory);
    manifest.rewrite(next.epoch(), next.seq());
    next.write(state.resolve("cursor"));
    cursor = next;
  }

  /**
   * Deletes the temp files a crash left: everything in {@code .metamirror/tmp/}, and dot-named temp
   * files in the content tree, where versions before issue 17 wrote them. Returns how many.
   */
  int removeTempFiles() throws IOException {
    AtomicInteger removed = new AtomicInteger();
    if (Files.isDirectory(temp)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(temp)) {
        for (Path file : files) {
          Files.deleteIfExists(file);
          removed.incrementAndGet();
        }
      }
    }
    forEachContentFile(
        directory -> false,
        file -> {
          if (isLegacyTemp(file)) {
            Files.deleteIfExists(file);
            removed.incrementAndGet();
          }
        });
    return removed.get();
  }

  /** What {@link #forEachContentFile} does with each file. */
  @FunctionalInterface
  public interface FileAction {
    void accept(Path file) throws IOException;
  }

  /**
   * Walks the content tree: every file under the root, except in the state directory and in
   * directories {@code skip} accepts.
   */
  public void forEachContentFile(Predicate<Path> skip, FileAction action) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(state) || skip.test(dir)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            action.accept(file);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public void close() throws IOException {
    try {
      manifest.close();
    } finally {
      lock.close();
    }
  }

  /** For {@link Epoch}-less stores: true when nothing was ever synced. */
  public boolean isEmpty() {
    return cursor.epoch() == null;
  }
}
