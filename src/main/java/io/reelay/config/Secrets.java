package io.reelay.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets a single node generates for itself when the operator gives none (the admin token, the
 * embedded S3 keys), kept in owner-only files in the data directory so a restart reuses them.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  public static String randomToken(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /** Reads the secret in {@code file}, creating it with a fresh random value first if needed. */
  public static String readOrCreate(Path file, int bytes) {
    try {
      if (Files.exists(file)) {
        String existing = Files.readString(file).trim();
        if (!existing.isEmpty()) {
          return existing;
        }
      }
      String token = randomToken(bytes);
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, token + "\n");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Non-POSIX file systems keep their default permissions.
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }
}
