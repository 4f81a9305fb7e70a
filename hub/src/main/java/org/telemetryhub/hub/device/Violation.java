package org.telemetryhub.hub.device;

/**
 * Why the hub closes a device connection, with the close code each reason gets. Client errors
 * (the device sent something wrong) are counted as invalid frames; the others are not errors of
 * the device.
 */
public enum Violation {
  BAD_FRAME_LENGTH(1007, "bad_length", true),
  FRAME_TOO_LARGE(1009, "too_large", true),
  TEXT_FRAME(1003, "text_frame", true),
  /** Broke RFC 6455 itself: reserved bits, a continuation of nothing, an unmasked frame, a bad opcode. */
  PROTOCOL_ERROR(1002, "protocol_error", true),
  /** A text frame that is not UTF-8: refused by the frame decoder before the device channel sees it. */
  INVALID_TEXT(1007, "invalid_text", true),
  REPLACED(4000, "replaced", false),
  /** The device's tokens were revoked by an operator. */
  REVOKED(1008, "revoked", false),
  SHUTDOWN(1001, "shutdown", false),
  INTERNAL_ERROR(1011, "internal_error", false);

  private final short closeCode;
  private final String tag;
  private final boolean clientError;

  Violation(int closeCode, String tag, boolean clientError) {
    this.closeCode = (short) closeCode;
    this.tag = tag;
    this.clientError = clientError;
  }

  /** The client error behind a close code the WebSocket layer chose (1009, 1007; anything else is a protocol error). */
  public static Violation forClose(int code) {
    return switch (code) {
      case 1009 -> FRAME_TOO_LARGE;
      case 1007 -> INVALID_TEXT;
      default -> PROTOCOL_ERROR;
    };
  }

  public short closeCode() {
    return closeCode;
  }

  /** The metric tag value. */
  public String tag() {
    return tag;
  }

  public boolean isClientError() {
    return clientError;
  }
}
