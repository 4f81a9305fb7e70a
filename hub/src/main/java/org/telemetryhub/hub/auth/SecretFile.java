package org.telemetryhub.hub.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.files.OwnerOnlyFiles;

/**
 * A file of token secrets ({@link KeyRing}'s text form: one per line, the first signs). The hub
 * generates {@code <data-dir>/token-secret} on first start when no secret is configured: 32
 * random bytes, owner-only, reused on every later start.
 */
public final class SecretFile {

  public static final String FILE_NAME = "token-secret";
  private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);
  private static final int SECRET_BYTES = 32;

  private SecretFile() {
  }

  /** The secrets in {@code dataDir}'s secret file, generating the file when it is missing. */
  public static KeyRing loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      OwnerOnlyFiles.createDirectories(dataDir);
      OwnerOnlyFiles.write(file, generate() + "\n");
      LOG.info("generated a new token secret in {} (owner-only); tokens are signed with it from now on", file);
    }
    return read(file);
  }

  /** The secrets in {@code file}. @throws IOException also when it holds no usable secret, saying why */
  public static KeyRing read(Path file) throws IOException {
    try {
      return KeyRing.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Puts a new random secret first in {@code file}: new tokens are signed with it, and the secrets
   * below it are still accepted until removed. Returns the new ring.
   */
  public static KeyRing rotate(Path file) throws IOException {
    List<String> secrets = new ArrayList<>();
    secrets.add(generate());
    if (Files.exists(file)) {
      secrets.addAll(read(file).secrets());
    }
    return replace(file, new KeyRing(secrets));
  }

  /** Keeps only the first secret of {@code file}: tokens signed with the others are refused from then on. */
  public static KeyRing dropPrevious(Path file) throws IOException {
    return replace(file, new KeyRing(List.of(read(file).signing())));
  }

  private static KeyRing replace(Path file, KeyRing ring) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    OwnerOnlyFiles.write(temporary, String.join("\n", ring.secrets()) + "\n");
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return ring;
  }

  private static String generate() {
    byte[] random = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
