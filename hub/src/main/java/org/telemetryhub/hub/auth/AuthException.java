package org.telemetryhub.hub.auth;

/** Credentials were missing or did not hold; the message is safe to send to the client. */
public final class AuthException extends RuntimeException {

  public AuthException(String message) {
    super(message, null, false, false);
  }
}
