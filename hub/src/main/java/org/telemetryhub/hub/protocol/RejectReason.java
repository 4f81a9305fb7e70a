package org.telemetryhub.hub.protocol;

/** Why a well-formed packet's reading was not stored. The names are metric tag values. */
public enum RejectReason {
  NOT_FINITE("not_finite"),
  OUT_OF_RANGE("out_of_range"),
  FUTURE_TIMESTAMP("future_timestamp"),
  /** Older than the retention period: it would be stored only to be deleted. */
  TOO_OLD("too_old"),
  /**
   * A device without a clock sent faster than its readings can be given distinct seconds within
   * the clock-skew allowance (see NoClockStamps).
   */
  NO_CLOCK_TOO_FAST("no_clock_too_fast");

  private final String tag;

  RejectReason(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
