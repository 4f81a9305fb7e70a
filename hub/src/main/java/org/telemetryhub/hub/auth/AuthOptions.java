package org.telemetryhub.hub.auth;

import java.nio.file.Path;

/**
 * Who may connect and read.
 *
 * @param enabled         whether devices, subscribers and the API need signed tokens
 * @param tokenSecret     the one secret that signs and checks tokens; null to use {@code tokenSecretFile}
 * @param tokenSecretFile the file of secrets (the first signs, all are accepted); null: the data directory's
 *                        {@value SecretFile#FILE_NAME}, generated on first start
 * @param metricsAuth     whether {@code /metrics} needs an api token
 */
public record AuthOptions(boolean enabled, String tokenSecret, Path tokenSecretFile, boolean metricsAuth) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final boolean DEFAULT_METRICS_AUTH = false;
  public static final AuthOptions DEFAULTS = new AuthOptions(DEFAULT_ENABLED, null, null, DEFAULT_METRICS_AUTH);

  public AuthOptions withTokenSecret(String secret) {
    return new AuthOptions(enabled, secret, null, metricsAuth);
  }

  public AuthOptions withTokenSecretFile(Path file) {
    return new AuthOptions(enabled, null, file, metricsAuth);
  }

  public AuthOptions withMetricsAuth(boolean required) {
    return new AuthOptions(enabled, tokenSecret, tokenSecretFile, required);
  }

  public AuthOptions withEnabled(boolean required) {
    return new AuthOptions(required, tokenSecret, tokenSecretFile, metricsAuth);
  }
}
