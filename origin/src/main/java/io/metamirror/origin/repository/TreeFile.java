package io.metamirror.origin.repository;

import io.metamirror.protocol.ContentPath;
import io.metamirror.protocol.Sha256;

/** A file of the current tree: its content, size, and the seq and time of the put that made it. */
public record TreeFile(ContentPath path, Sha256 sha256, long size, long time, long seq) {}
