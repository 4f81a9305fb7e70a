package org.telemetryhub.hub.auth;

/**
 * Credentials were missing or did not hold (HTTP 401), or they hold but do not allow what was
 * asked (HTTP 403). The message is safe to send to the client.
 */
public final class AuthException extends RuntimeException {

  private final boolean forbidden;

  public AuthException(String message) {
    this(message, false);
  }

  public AuthException(String message, boolean forbidden) {
    super(message, null, false, false);
    this.forbidden = forbidden;
  }

  /** True when the credentials are valid but their role does not allow the request: 403, not 401. */
  public boolean forbidden() {
    return forbidden;
  }

  /** The HTTP status for this refusal. */
  public int status() {
    return forbidden ? 403 : 401;
  }
}
