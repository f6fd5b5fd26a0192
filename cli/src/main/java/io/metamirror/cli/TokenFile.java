package io.metamirror.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The bearer token for writes, kept in a file of its own (one line; surrounding space ignored). */
public final class TokenFile {
  private TokenFile() {}

  /**
   * Reads the token from {@code file}, given by {@code option}; every refusal names the option and
   * the file ("--token-file /etc/metamirror/token: not found").
   */
  public static String read(Path file, String option) {
    String what = option + " " + file + ": ";
    if (!Files.isRegularFile(file)) {
      throw new ExitCodes.UserError(what + "token file not found");
    }
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new ExitCodes.UserError(what + "cannot read the token file: " + e.getMessage());
    }
    if (token.isEmpty()) {
      throw new ExitCodes.UserError(what + "the token file is empty");
    }
    if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new ExitCodes.UserError(
          what + "the token must be one line of printable ASCII without spaces");
    }
    return token;
  }

  /** Reads the token, first creating the file with a random token (mode 0600) if it is missing. */
  public static String readOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        return read(file, "--token-file");
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      return token;
    }
    return read(file, "--token-file");
  }
}
