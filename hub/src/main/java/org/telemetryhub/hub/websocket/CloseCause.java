package org.telemetryhub.hub.websocket;

import org.telemetryhub.hub.internals.FrameFault;
import org.telemetryhub.hub.metrics.InvalidFrame;

/**
 * Why the hub ends a WebSocket, on either channel, with the close code each cause gets (RFC 6455
 * section 7.4; 4000 is the hub's own). Client errors (the peer sent something wrong) carry the tag
 * under which a device connection closed for them is counted.
 */
public enum CloseCause {
  /** A device message that is not one or more whole 16-byte packets. */
  BAD_MESSAGE(1007, InvalidFrame.BAD_LENGTH),
  /** A message (a frame, or its fragments together) over the channel's limit. */
  TOO_LARGE(1009, InvalidFrame.TOO_LARGE),
  /** Text on the device channel, which carries binary packets only. */
  TEXT_ON_DEVICE_CHANNEL(1003, InvalidFrame.TEXT_FRAME),
  /** A frame that breaks RFC 6455 itself: reserved bits, a continuation of nothing, an unmasked frame, a bad opcode. */
  PROTOCOL_ERROR(1002, InvalidFrame.PROTOCOL_ERROR, true),
  /** A text frame that is not UTF-8. */
  INVALID_TEXT(1007, InvalidFrame.INVALID_TEXT, true),
  /** A compressed frame (permessage-deflate, subscribers only) whose data does not inflate. */
  BAD_COMPRESSED_DATA(1007, InvalidFrame.PROTOCOL_ERROR, true),
  /** A newer connection of the same device took over. */
  REPLACED(4000, null),
  /** The tokens of the device, subscriber or api name were revoked by an operator. */
  REVOKED(1008, null),
  /** The token the connection opened with has expired. */
  TOKEN_EXPIRED(1008, null),
  /** The secret that signed the connection's token was dropped from the hub's secrets. */
  SECRET_RETIRED(1008, null),
  /** The hub holds as many subscribers as it may. */
  SUBSCRIBER_LIMIT(1008, null),
  /** A subscriber with the disconnect policy fell behind. */
  TOO_SLOW(1013, null),
  /** The hub is stopping. */
  SHUTDOWN(1001, null),
  /** The hub could not go on with the connection (the store did not answer, say). */
  INTERNAL_ERROR(1011, null),
  /** Nothing arrived for the heartbeat timeout: the TCP connection is dropped, no close frame (the peer sees 1006). */
  HEARTBEAT_TIMEOUT(1006, null);

  private final short code;
  private final InvalidFrame invalidFrame;
  private final boolean failsConnection;

  CloseCause(int code, InvalidFrame invalidFrame) {
    this(code, invalidFrame, false);
  }

  CloseCause(int code, InvalidFrame invalidFrame, boolean failsConnection) {
    this.code = (short) code;
    this.invalidFrame = invalidFrame;
    this.failsConnection = failsConnection;
  }

  /**
   * True when the peer broke the WebSocket protocol itself (RFC 6455 section 7.1.7, "fail the
   * WebSocket connection"): the TCP connection ends right after the close frame, with no closing handshake.
   */
  public boolean failsConnection() {
    return failsConnection;
  }

  public short code() {
    return code;
  }

  /** True when the peer sent something wrong. */
  public boolean clientError() {
    return invalidFrame != null;
  }

  /** How a device connection closed for this client error is counted; null for the hub's own decisions. */
  public InvalidFrame invalidFrame() {
    return invalidFrame;
  }

  /** The cause behind a fault of a frame the decoder or the frame guard refused. */
  static CloseCause of(FrameFault.Kind fault) {
    return switch (fault) {
      case TOO_LARGE -> TOO_LARGE;
      case INVALID_TEXT -> INVALID_TEXT;
      case BAD_COMPRESSED_DATA -> BAD_COMPRESSED_DATA;
      case PROTOCOL_ERROR -> PROTOCOL_ERROR;
    };
  }
}
