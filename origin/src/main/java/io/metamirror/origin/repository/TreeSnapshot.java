package io.metamirror.origin.repository;

import io.metamirror.protocol.Epoch;
import java.util.List;

/** The whole tree as it was at {@code seq}, files sorted by path. */
public record TreeSnapshot(Epoch epoch, long seq, List<TreeFile> files) {}
