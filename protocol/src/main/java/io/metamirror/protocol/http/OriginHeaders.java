package io.metamirror.protocol.http;

/**
 * The headers with which the origin's answer to {@code GET /<path>} says where its tree was when it
 * answered: a mirror that remembers an origin 404 keeps this position, and drops the 404 as soon as
 * it hears of a later seq (a put of the path acknowledged after the 404 always has one).
 *
 * <pre>
 * HTTP/1.1 404 Not Found
 * X-Metamirror-Epoch: 9f86d081884c7d659a2feaa0c55ad015
 * X-Metamirror-Head: 8
 * </pre>
 */
public final class OriginHeaders {
  /** The repository's epoch; heads of different epochs are not comparable. */
  public static final String EPOCH = "X-Metamirror-Epoch";

  /**
   * The origin's head, read before the path was looked up: the answer holds at this seq (the tree
   * the lookup saw is at this seq or later, never earlier).
   */
  public static final String HEAD = "X-Metamirror-Head";

  private OriginHeaders() {}
}
