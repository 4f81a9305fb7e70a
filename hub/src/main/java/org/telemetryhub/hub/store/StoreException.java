package org.telemetryhub.hub.store;

/** A storage operation failed; the message says what the operator would need to know. */
public final class StoreException extends Exception {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
