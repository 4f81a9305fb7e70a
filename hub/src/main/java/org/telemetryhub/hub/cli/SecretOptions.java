package org.telemetryhub.hub.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.telemetryhub.hub.auth.KeyRing;
import org.telemetryhub.hub.auth.SecretFile;
import picocli.CommandLine.Option;

/**
 * Where the commands that sign tokens find the hub's secret: the same three settings as the hub's
 * (and the same HUB_ variables), and nothing else. Unlike the hub, they never create a secret: a
 * new one would sign tokens no hub accepts.
 */
public final class SecretOptions {

  @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
      description = "The hub's data directory, where it keeps its generated secret (token-secret). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--token-secret", paramLabel = "SECRET",
      description = "The hub's secret itself, instead of reading it from a file. Shows in 'ps': prefer HUB_TOKEN_SECRET.")
  String tokenSecret;

  @Option(names = "--token-secret-file", paramLabel = "FILE",
      description = "The hub's file of token secrets (the first signs). Default: <data-dir>/token-secret.")
  Path tokenSecretFile;

  /** The file the secrets are in, or null when --token-secret gives the secret itself. */
  Path file() {
    if (tokenSecret != null) {
      return null;
    }
    return tokenSecretFile != null ? tokenSecretFile : dataDir.resolve(SecretFile.FILE_NAME);
  }

  /** The secrets; a missing file is an error naming where it was looked for. */
  KeyRing load() throws IOException {
    if (tokenSecret != null) {
      return new KeyRing(List.of(tokenSecret));
    }
    Path file = file();
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("no token secret at " + file.toAbsolutePath().normalize()
          + (tokenSecretFile != null ? "" : " (the hub's data directory is --data-dir, " + dataDir + ")")
          + ": point --data-dir or --token-secret-file at the hub's, or start the hub once to generate it there");
    }
    return SecretFile.read(file);
  }
}
