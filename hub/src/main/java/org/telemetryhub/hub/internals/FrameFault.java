package org.telemetryhub.hub.internals;

/**
 * What was wrong with a frame the decoder or the frame guard refused, in the words of the frame
 * (never of the hub): the WebSocket that owns the connection turns it into its close code.
 */
public record FrameFault(Kind kind, String reason) {

  /** The kinds of fault, each with the close code RFC 6455 gives it. */
  public enum Kind {
    /** A frame over the limit, or one that inflates past it (1009). */
    TOO_LARGE,
    /** A frame that breaks RFC 6455 itself: reserved bits, a bad opcode, an unmasked frame (1002). */
    PROTOCOL_ERROR,
    /** Text that is not UTF-8 (1007). */
    INVALID_TEXT,
    /** permessage-deflate data that does not inflate (1007). */
    BAD_COMPRESSED_DATA
  }
}
