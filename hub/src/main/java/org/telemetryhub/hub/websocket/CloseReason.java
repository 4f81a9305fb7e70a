package org.telemetryhub.hub.websocket;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket close code with the reason sent beside it (RFC 6455 section 7.4). Reasons are cut
 * to the 123 bytes a close frame can carry, so a long message never breaks the close itself.
 */
public record CloseReason(short code, String reason) {

  public static final short NORMAL = 1000;
  public static final short GOING_AWAY = 1001;
  public static final short PROTOCOL_ERROR = 1002;
  public static final short UNSUPPORTED_DATA = 1003;
  /** Never sent: what a peer reports when the TCP connection ended without a closing handshake. */
  public static final short ABNORMAL = 1006;
  public static final short INVALID_PAYLOAD = 1007;
  public static final short POLICY_VIOLATION = 1008;
  public static final short TOO_LARGE = 1009;
  public static final short INTERNAL_ERROR = 1011;
  public static final short TRY_AGAIN_LATER = 1013;

  private static final int MAX_REASON_BYTES = 123;

  public CloseReason {
    reason = fit(reason);
  }

  public static CloseReason protocolError(String reason) {
    return new CloseReason(PROTOCOL_ERROR, reason);
  }

  public static CloseReason tooLarge(String reason) {
    return new CloseReason(TOO_LARGE, reason);
  }

  /**
   * The close a failure of the frame decoder calls for: its own status (1002 for a protocol
   * error, 1009 for a frame over the limit, 1007 for text that is not UTF-8) with its message,
   * which describes the frame, not the hub. Null for failures that are not about the peer's frames.
   */
  public static CloseReason forDecoderFailure(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException corrupted) {
      short code = corrupted.closeStatus() == null ? PROTOCOL_ERROR : (short) corrupted.closeStatus().code();
      String what = corrupted.getMessage() == null ? "malformed WebSocket frame" : corrupted.getMessage();
      return new CloseReason(code, code == TOO_LARGE ? "frame larger than the limit" : what);
    }
    return null;
  }

  private static String fit(String reason) {
    if (reason == null) {
      return "";
    }
    byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = Math.min(reason.length(), MAX_REASON_BYTES - 3);
    while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
      end--;
    }
    return reason.substring(0, end) + "...";
  }
}
