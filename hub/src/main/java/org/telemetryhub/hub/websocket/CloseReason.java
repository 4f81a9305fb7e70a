package org.telemetryhub.hub.websocket;

import java.nio.charset.StandardCharsets;

/**
 * A cause with the reason sent beside its code. Reasons are cut to the 123 bytes a close frame
 * can carry, so a long message never breaks the close itself.
 */
public record CloseReason(CloseCause cause, String reason) {

  private static final int MAX_REASON_BYTES = 123;

  public CloseReason {
    reason = fit(reason);
  }

  public short code() {
    return cause.code();
  }

  private static String fit(String reason) {
    if (reason == null) {
      return "";
    }
    if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = Math.min(reason.length(), MAX_REASON_BYTES - 3);
    while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
      end--;
    }
    return reason.substring(0, end) + "...";
  }
}
