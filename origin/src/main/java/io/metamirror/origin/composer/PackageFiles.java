package io.metamirror.origin.composer;

/**
 * The two p2 files of one package, as {@link MetadataGenerator#packageFiles} writes them: {@code
 * stable} for {@code p2/<vendor>/<name>.json} (tagged versions), {@code dev} for {@code
 * p2/<vendor>/<name>~dev.json} (branches). Both are always present; a package without versions of a
 * kind gets an empty list. Arrays compare by identity; compare the bytes with {@code
 * Arrays.equals}.
 */
public record PackageFiles(byte[] stable, byte[] dev) {}
