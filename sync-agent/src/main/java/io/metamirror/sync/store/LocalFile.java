package io.metamirror.sync.store;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;

/** What the store holds at a path: content, size, and the seq and journal time of that content. */
public record LocalFile(ContentPath path, Sha256 sha256, long size, long time, long seq) {}
