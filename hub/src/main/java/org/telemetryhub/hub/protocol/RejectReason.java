package org.telemetryhub.hub.protocol;

/** Why a well-formed packet's reading was not stored. The names are metric tag values. */
public enum RejectReason {
  NOT_FINITE("not_finite"),
  OUT_OF_RANGE("out_of_range"),
  FUTURE_TIMESTAMP("future_timestamp");

  private final String tag;

  RejectReason(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
