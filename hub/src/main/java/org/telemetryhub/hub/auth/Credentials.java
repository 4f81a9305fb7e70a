package org.telemetryhub.hub.auth;

/**
 * What a checked token says about the session it opens, for as long as that session lasts: whose
 * it is, which secret signed it (a session ends when its secret is dropped), and when it expires
 * (it ends then too). Kept by every open connection: small, and its key id shared with the ring.
 *
 * @param keyId           the id of the secret that signed the token (see {@link KeyRing#keyId})
 * @param expiresAtMillis when the token expires, epoch milliseconds; {@link #NEVER} for a token without {@code exp}
 */
public record Credentials(TokenKind kind, String subject, String keyId, long expiresAtMillis) {

  public static final long NEVER = Long.MAX_VALUE;

  /** With authentication off: nobody in particular, no secret, no end. */
  public static Credentials open(TokenKind kind, String subject) {
    return new Credentials(kind, subject, null, NEVER);
  }

  /** The key of this session's revocations (see {@link TokenKind#revocationKey}). */
  public String revocationKey() {
    return kind.revocationKey(subject);
  }
}
