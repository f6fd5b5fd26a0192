package io.metamirror.origin.composer;

/** A delete naming a package or version the origin does not have. */
public final class PackageNotFoundException extends RuntimeException {
  public PackageNotFoundException(String message) {
    super(message);
  }
}
