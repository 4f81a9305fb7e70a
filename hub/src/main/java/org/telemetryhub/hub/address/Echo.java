package org.telemetryhub.hub.address;

/**
 * Client input quoted back in an error reply, cut to a bounded length: a reply must never grow
 * with what the client sent (a 60 KB filter echoed twice per error, queued for a client that does
 * not read, was enough to exhaust a hub's heap).
 */
public final class Echo {

  static final int MAX_CHARS = 64;

  private Echo() {
  }

  public static String of(String text) {
    if (text == null || text.length() <= MAX_CHARS) {
      return text;
    }
    return text.substring(0, MAX_CHARS) + "... (" + text.length() + " characters)";
  }
}
