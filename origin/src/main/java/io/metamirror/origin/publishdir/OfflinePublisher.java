package io.metamirror.origin.publishdir;

import io.metamirror.origin.repository.Change;
import io.metamirror.origin.repository.OriginRepository;
import io.metamirror.origin.repository.PublishResult;
import io.metamirror.origin.repository.StagedBlob;
import io.metamirror.origin.repository.TreeFile;
import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Publishes a {@link DirectoryPlan} straight into an open repository, as one atomic batch: either
 * the whole directory becomes the tree or (on a crash or error) nothing changes.
 *
 * <p>Contents are stored {@value #STORE_EVERY} at a time, before the batch is published: a batch of
 * a million files then holds no temp file name per file, and a crash before the journal's commit
 * leaves only unreferenced blobs, which name no path and are never served.
 */
public final class OfflinePublisher {
  /** One file-system flush per this many files; their temp names cost ~150 bytes each meanwhile. */
  static final int STORE_EVERY = 10_000;

  private OfflinePublisher() {}

  /** The repository's tree, read from its compact index as the plan asks. */
  public static DirectoryPlan.CurrentTree currentTree(OriginRepository repository) {
    return new DirectoryPlan.CurrentTree() {
      @Override
      public Sha256 sha256(ContentPath path) {
        return repository.file(path).map(TreeFile::sha256).orElse(null);
      }

      @Override
      public Iterable<ContentPath> paths() {
        Iterable<TreeFile> files = repository.snapshot().files();
        return () ->
            new Iterator<>() {
              private final Iterator<TreeFile> it = files.iterator();

              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public ContentPath next() {
                return it.next().path();
              }
            };
      }
    };
  }

  public static PublishResult publish(OriginRepository repository, DirectoryPlan plan)
      throws IOException {
    return publish(repository, plan, STORE_EVERY);
  }

  static PublishResult publish(OriginRepository repository, DirectoryPlan plan, int storeEvery)
      throws IOException {
    List<Change> changes = new ArrayList<>(plan.changes());
    List<StagedBlob> unstored = new ArrayList<>(storeEvery);
    try {
      for (DirectoryPlan.Put put : plan.puts()) {
        try (InputStream in = Files.newInputStream(put.file())) {
          StagedBlob blob = repository.stage(in, put.sha256());
          changes.add(Change.put(put.path(), blob));
          unstored.add(blob);
        }
        if (unstored.size() == storeEvery) {
          repository.store(unstored);
          unstored.clear();
        }
      }
      repository.store(unstored);
    } catch (IOException | RuntimeException e) {
      repository.discard(changes);
      throw e;
    }
    for (ContentPath path : plan.deletes()) {
      changes.add(Change.delete(path));
    }
    return repository.publish(changes);
  }
}
