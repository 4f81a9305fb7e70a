package org.telemetryhub.hub;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.telemetryhub.hub.auth.KeyRing;
import org.telemetryhub.hub.auth.SecretFile;
import org.telemetryhub.hub.config.HubSettings;

/** The token secrets the hub's settings name: where they come from, and which file to watch for a rotation. */
public final class TokenSecrets {

  private TokenSecrets() {
  }

  /** --token-secret, else the secrets of --token-secret-file, else of {@code <data-dir>/token-secret} (generated when missing). */
  public static KeyRing load(HubSettings settings) throws IOException {
    if (settings.tokenSecret() != null) {
      return new KeyRing(List.of(settings.tokenSecret()));
    }
    if (settings.tokenSecretFile() != null) {
      return SecretFile.read(settings.tokenSecretFile());
    }
    return SecretFile.loadOrCreate(settings.dataDir());
  }

  /** The file the secrets are read from (and re-read when it changes), or null for --token-secret. */
  public static Path file(HubSettings settings) {
    if (settings.tokenSecret() != null) {
      return null;
    }
    return settings.tokenSecretFile() != null ? settings.tokenSecretFile() : settings.dataDir().resolve(SecretFile.FILE_NAME);
  }
}
