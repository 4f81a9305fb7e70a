package org.telemetryhub.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.telemetryhub.hub.auth.AuthOptions;
import org.telemetryhub.hub.auth.KeyRing;
import org.telemetryhub.hub.auth.SecretFile;

/** The token secrets the hub's options name: where they come from, and which file to watch for a rotation. */
public final class TokenSecrets {

  private TokenSecrets() {
  }

  /** The one token secret, else the secrets of the secret file, else of {@code <data-dir>/token-secret} (generated when missing). */
  public static KeyRing load(AuthOptions auth, Path dataDir) throws IOException {
    if (auth.tokenSecret() != null) {
      return new KeyRing(List.of(auth.tokenSecret()));
    }
    if (auth.tokenSecretFile() != null) {
      return SecretFile.read(auth.tokenSecretFile());
    }
    return SecretFile.loadOrCreate(dataDir);
  }

  /** The file the secrets are read from (and re-read when it changes), or null for one secret given as it is. */
  public static Path file(AuthOptions auth, Path dataDir) {
    if (auth.tokenSecret() != null) {
      return null;
    }
    return auth.tokenSecretFile() != null ? auth.tokenSecretFile() : dataDir.resolve(SecretFile.FILE_NAME);
  }
}
