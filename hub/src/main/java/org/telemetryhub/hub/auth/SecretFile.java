package org.telemetryhub.hub.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token secret the hub generates for itself when none is configured: 32 random bytes,
 * kept in the data directory, readable by the owner only, reused on every later start.
 */
public final class SecretFile {

  public static final String FILE_NAME = "token-secret";
  private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);
  private static final int SECRET_BYTES = 32;

  private SecretFile() {
  }

  public static String loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.createDirectories(dataDir);
    byte[] random = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
    LOG.info("generated a new token secret in {} (owner-only); tokens are signed with it from now on", file);
    return secret;
  }
}
