package org.telemetryhub.hub.config;

/**
 * The one rule for a token secret, wherever one is given: the hub's options, its secret file, a
 * rotation, device-sim. HS256 wants a key of at least 256 bits; 32 characters give that.
 */
public final class TokenSecretRule {

  public static final int MIN_LENGTH = 32;

  private TokenSecretRule() {
  }

  /** Null when {@code secret} may sign tokens, else what is wrong with it, calling it {@code name}. */
  public static String problemWith(String name, String secret) {
    return secret.length() < MIN_LENGTH ? name + " must be at least " + MIN_LENGTH + " characters long" : null;
  }
}
