package org.telemetryhub.hub.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The kinds of token the hub issues, by their {@code role} claim. */
public enum TokenKind {
  DEVICE, SUBSCRIBER, API;

  /** The value of the token's {@code role} claim. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind a wire name names, or null. */
  public static TokenKind fromWire(String role) {
    for (TokenKind kind : values()) {
      if (kind.wireName().equals(role)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The key under which revocations of this kind's tokens named {@code subject} are kept: the id
   * itself for a device (as ever), {@code subscriber:<name>} and {@code api:<name>} for the others
   * (names URL-encoded: they may hold spaces, ids never hold a colon).
   */
  public String revocationKey(String subject) {
    return this == DEVICE ? subject : wireName() + ":" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }
}
