package org.telemetryhub.hub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.telemetryhub.hub.config.TokenSecretRule;

/**
 * The secrets that sign and check tokens: the first signs every new token, all of them are
 * accepted. Rotating a secret without downtime is putting a new one first and keeping the old one
 * below it until every holder has a new token, then removing it.
 *
 * <p>Each secret has a key id (the first 8 characters of the base64url SHA-256 of the secret)
 * that new tokens carry in their {@code kid} header, so a token is checked against its own secret
 * only; a token without a {@code kid} (issued before key ids) is checked against each.
 *
 * <p>The text form is one secret per line; blank lines and lines starting with '#' are ignored.
 */
public record KeyRing(List<String> secrets) {

  public static final int MIN_SECRET_LENGTH = TokenSecretRule.MIN_LENGTH;

  public KeyRing {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no token secret: a secret of at least " + MIN_SECRET_LENGTH
          + " characters is needed");
    }
    for (String secret : secrets) {
      String problem = TokenSecretRule.problemWith("a token secret", secret);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    secrets = List.copyOf(secrets);
  }

  /** @throws IllegalArgumentException when the text holds no secret, or a secret that is too short */
  public static KeyRing parse(String text) {
    List<String> secrets = new ArrayList<>();
    for (String line : text.split("\n")) {
      String secret = line.strip();
      if (!secret.isEmpty() && !secret.startsWith("#")) {
        secrets.add(secret);
      }
    }
    return new KeyRing(secrets);
  }

  public String signing() {
    return secrets.get(0);
  }

  public static String keyId(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
