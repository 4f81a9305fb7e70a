package org.telemetryhub.hub.metrics;

/** Why a device connection was closed for what it sent; the names are metric tag values. */
public enum InvalidFrame {
  BAD_LENGTH("bad_length"),
  TOO_LARGE("too_large"),
  TEXT_FRAME("text_frame"),
  PROTOCOL_ERROR("protocol_error"),
  INVALID_TEXT("invalid_text");

  private final String tag;

  InvalidFrame(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
