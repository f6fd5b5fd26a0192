package io.metamirror.sync.agent;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.FeedPage;
import io.metamirror.protocol.JournalEntry;
import io.metamirror.protocol.ProtocolException;
import io.metamirror.protocol.Sha256;
import io.metamirror.protocol.http.CompressedTypes;
import io.metamirror.sync.store.Cursor;
import io.metamirror.sync.store.LocalFile;
import io.metamirror.sync.store.Store;
import io.metamirror.sync.store.StoreChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * Applies one feed page: parallel fetch, in-order commit.
 *
 * <p>Every blob the page needs is fetched at once (bounded by the executor), each into a temp file
 * in {@code .metamirror/tmp/}, verified while streaming; content the page carries inline is
 * verified the same way (size and sha256, before a byte is written) and needs no request, and
 * inline content that does not match is fetched instead, as a blob that arrived wrong would be.
 * Only when all have arrived are they renamed into place, in seq order, with deletes in their
 * places; then the store commits (flush, manifest, cursor). A failure before the commit deletes
 * every temp file and leaves the cursor where it was, so the page is simply applied again later.
 *
 * <p>Each path is fetched and written at most once a page, for its last state. A path put several
 * times in a row (no delete between) is fetched once, with the last content of that run, written at
 * its first put: the store is then "newer" for that file, which the invariant allows. A run of puts
 * that a later delete in the page ends is neither fetched nor written: until the delete's turn the
 * store keeps what it had before the page (issue 21); but not a {@code <path>.gz}, which as content
 * takes the place of {@code <path>}'s old twin. A delete is never moved earlier, since an index may
 * still reference the file until the delete's seq; a put after a delete starts a new run. The
 * manifest records the page's puts and deletes in seq order ({@link StoreChange}), so what the
 * store lists is what its files are: put, delete, put of one path ends listed with the last put
 * (issue 17, item 4).
 */
final class PageApplier {
  static final int ATTEMPTS = 3;

  private final Store store;
  private final OriginClient origin;
  private final ExecutorService fetchers;
  private final ShrinkGuard shrinkGuard;

  PageApplier(Store store, OriginClient origin, ExecutorService fetchers, ShrinkGuard shrinkGuard) {
    this.store = store;
    this.origin = origin;
    this.fetchers = fetchers;
    this.shrinkGuard = shrinkGuard;
  }

  /**
   * A put to perform: the entry whose place it takes, the entry whose content it writes, and
   * whether it gets a twin (decided by the tree as of {@code at}, see {@link TreeSoFar}).
   */
  private record Put(JournalEntry at, JournalEntry content, Path temp, boolean wantsTwin) {
    Path twinTemp() {
      return Store.twinFile(temp);
    }
  }

  /**
   * The tree as of one entry of the page: the manifest as it was before the page, with the page's
   * entries so far. Twins are decided and removed against it, not against the manifest, because a
   * page may put or delete {@code <path>.gz} as content before it puts or deletes {@code <path>}
   * (apt's {@code Packages} and {@code Packages.gz}): the manifest would have the twin overwrite,
   * or the delete remove, a content file.
   */
  private static final class TreeSoFar {
    private final Store store;
    private final Map<ContentPath, Boolean> changed = new HashMap<>();

    TreeSoFar(Store store) {
      this.store = store;
    }

    boolean contains(ContentPath path) {
      Boolean c = changed.get(path);
      return c != null ? c : store.file(path) != null;
    }

    void apply(JournalEntry e) {
      changed.put(e.path(), e.op() == JournalEntry.Op.PUT);
    }

    /** How many files of the store before the page the tree so far no longer has. */
    int removedFromStore() {
      int removed = 0;
      for (Map.Entry<ContentPath, Boolean> e : changed.entrySet()) {
        if (!e.getValue() && store.file(e.getKey()) != null) {
          removed++;
        }
      }
      return removed;
    }
  }

  /** Applies the page; returns the entries committed (the page's). */
  List<JournalEntry> apply(FeedPage page) throws IOException {
    List<JournalEntry> entries = page.entries();
    Cursor cursor = store.cursor();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).seq() != cursor.seq() + 1 + i) {
        throw new ProtocolException(
            "feed page has seq "
                + entries.get(i).seq()
                + " where "
                + (cursor.seq() + 1 + i)
                + " was expected");
      }
    }
    // For each put, the last put of its chain (consecutive puts of the path, no delete between).
    JournalEntry[] content = new JournalEntry[entries.size()];
    boolean[] skip = new boolean[entries.size()];
    boolean[] twin = new boolean[entries.size()];
    Map<ContentPath, Integer> chainStart = new HashMap<>();
    TreeSoFar tree = new TreeSoFar(store);
    for (int i = 0; i < entries.size(); i++) {
      JournalEntry e = entries.get(i);
      if (e.op() == JournalEntry.Op.DELETE) {
        Integer ended = chainStart.remove(e.path());
        // Deleted within the page: its content is never served. Not for a "<path>.gz": written as
        // content, it is what stops <path>'s old twin from standing beside <path>'s new content.
        if (ended != null && !e.path().value().endsWith(".gz")) {
          skip[ended] = true;
        }
        tree.apply(e);
        continue;
      }
      Integer start = chainStart.get(e.path());
      if (start == null) {
        chainStart.put(e.path(), i);
        content[i] = e;
        twin[i] = Store.mayHaveTwin(e.path(), tree::contains); // size: of the chain's last put
      } else {
        content[start] = e;
        skip[i] = true;
      }
      tree.apply(e);
    }
    // Before any download: a refused page costs the origin nothing but the page.
    boolean acceptedShrink =
        shrinkGuard.check(
            new ShrinkGuard.Change(
                "page",
                page.epoch(),
                entries.get(entries.size() - 1).seq(),
                store.fileCount(),
                tree.removedFromStore()));
    List<Put> puts = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).op() == JournalEntry.Op.PUT && !skip[i]) {
        boolean wantsTwin =
            twin[i] && CompressedTypes.worthGzip(content[i].path(), content[i].size());
        puts.add(new Put(entries.get(i), content[i], store.tempFile(), wantsTwin));
      }
    }
    try {
      fetchAll(page, puts);
      List<JournalEntry> committed = commit(page, entries, skip, puts);
      if (acceptedShrink) {
        shrinkGuard.acceptanceUsed();
      }
      return committed;
    } finally {
      for (Put put : puts) {
        Files.deleteIfExists(put.temp());
        Files.deleteIfExists(put.twinTemp());
      }
    }
  }

  private void fetchAll(FeedPage page, List<Put> puts) throws IOException {
    // One download per distinct content; other paths with the same content copy it.
    Map<Sha256, CompletableFuture<Path>> downloads = new HashMap<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Put put : puts) {
      JournalEntry c = put.content();
      CompletableFuture<Path> download = downloads.get(c.sha256());
      CompletableFuture<Void> done;
      if (download == null) {
        download =
            CompletableFuture.supplyAsync(
                () -> {
                  fetchWithRetries(c, page.inlineContent(c.seq()), put.temp());
                  return put.temp();
                },
                fetchers);
        downloads.put(c.sha256(), download);
        done = download.thenAcceptAsync(p -> twin(put), fetchers);
      } else {
        done =
            download.thenAcceptAsync(
                source -> {
                  try {
                    Files.copy(source, put.temp(), StandardCopyOption.REPLACE_EXISTING);
                  } catch (IOException e) {
                    throw new CompletionException(e);
                  }
                  twin(put);
                },
                fetchers);
      }
      all.add(done);
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      // Let the other downloads finish or fail before their temp files are cleaned up.
      for (CompletableFuture<Void> f : all) {
        try {
          f.join();
        } catch (CompletionException ignored) {
          // reported below
        }
      }
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof java.io.UncheckedIOException io) {
        throw io.getCause();
      }
      throw new IOException(cause);
    }
  }

  /**
   * Writes the content of {@code entry} to {@code temp}: the first attempt from {@code inline} when
   * the page carried it, the others (all of them without it) from the origin's blob endpoint.
   */
  private void fetchWithRetries(JournalEntry entry, byte[] inline, Path temp) {
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        if (attempt == 1 && inline != null) {
          writeInline(entry, inline, temp);
        } else {
          origin.fetchBlob(entry.sha256(), entry.size(), temp);
        }
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    if (last instanceof BlobMismatchException) {
      throw new CompletionException(
          new BadEntryException(entry, last.getMessage() + " after " + ATTEMPTS + " attempts"));
    }
    throw new CompletionException(last);
  }

  /** Writes inline content once its size and sha256 are the entry's; else writes nothing. */
  private static void writeInline(JournalEntry entry, byte[] content, Path temp)
      throws IOException {
    Sha256 actual = Sha256.of(content);
    if (content.length != entry.size() || !actual.equals(entry.sha256())) {
      throw new BlobMismatchException(entry.sha256(), entry.size(), actual, content.length);
    }
    Files.write(temp, content);
  }

  private void twin(Put put) {
    if (!put.wantsTwin()) {
      return;
    }
    try {
      Store.writeTwin(
          put.temp(), put.twinTemp(), CompressedTypes.gzipRequired(put.content().path()));
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  private List<JournalEntry> commit(
      FeedPage page, List<JournalEntry> entries, boolean[] skip, List<Put> puts)
      throws IOException {
    Map<Long, Put> bySeq = new HashMap<>();
    puts.forEach(p -> bySeq.put(p.at().seq(), p));
    Set<Path> written = new LinkedHashSet<>();
    Set<Path> directories = new LinkedHashSet<>();
    List<StoreChange> changes = new ArrayList<>();
    TreeSoFar tree = new TreeSoFar(store);
    for (int i = 0; i < entries.size(); i++) {
      JournalEntry e = entries.get(i);
      Path target = store.pathOf(e.path());
      tree.apply(e);
      if (e.op() == JournalEntry.Op.DELETE) {
        store.remove(e.path(), tree::contains);
        changes.add(StoreChange.delete(e.path(), e.seq()));
        directories.add(target.getParent());
        continue;
      }
      if (skip[i]) {
        continue;
      }
      Put put = bySeq.get(e.seq());
      JournalEntry c = put.content();
      boolean hasTwin = Files.exists(put.twinTemp());
      store.install(
          e.path(), put.temp(), hasTwin ? put.twinTemp() : null, c.time(), tree::contains);
      written.add(target);
      if (hasTwin) {
        written.add(Store.twinFile(target));
      }
      directories.add(target.getParent());
      changes.add(
          StoreChange.put(new LocalFile(e.path(), c.sha256(), c.size(), c.time(), c.seq())));
    }
    // A file put and then deleted in this page (or a twin a later put dropped) is gone: nothing to
    // flush, and an fsync of it would fail the page forever.
    written.removeIf(file -> !Files.exists(file));
    long last = entries.get(entries.size() - 1).seq();
    store.commit(new Cursor(page.epoch(), last), written, directories, changes);
    return entries;
  }
}
