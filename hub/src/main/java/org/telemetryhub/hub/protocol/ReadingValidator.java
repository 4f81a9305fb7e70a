package org.telemetryhub.hub.protocol;


/** Decides whether a decoded reading may be stored (docs/device-protocol.md, "What gets you disconnected"). */
public final class ReadingValidator {

  private final ValidRanges ranges;
  private final long maxClockSkewSeconds;
  private final long maxAgeSeconds;

  public ReadingValidator(ValidRanges ranges) {
    this.ranges = ranges;
    this.maxClockSkewSeconds = ranges.maxClockSkew().toSeconds();
    this.maxAgeSeconds = ranges.maxAge().toSeconds();
  }

  /** How far ahead of the hub's clock a reading's time may be, in seconds. */
  public long maxClockSkewSeconds() {
    return maxClockSkewSeconds;
  }

  /** Returns why the reading must be rejected, or null when it is valid. */
  public RejectReason check(Reading reading, long nowEpochSeconds) {
    float t = reading.temperature();
    float h = reading.humidity();
    float p = reading.pressure();
    if (!Float.isFinite(t) || !Float.isFinite(h) || !Float.isFinite(p)) {
      return RejectReason.NOT_FINITE;
    }
    if (t < ranges.temperatureMin() || t > ranges.temperatureMax()
        || h < ranges.humidityMin() || h > ranges.humidityMax()
        || p < ranges.pressureMin() || p > ranges.pressureMax()) {
      return RejectReason.OUT_OF_RANGE;
    }
    if (reading.ts() > nowEpochSeconds + maxClockSkewSeconds) {
      return RejectReason.FUTURE_TIMESTAMP;
    }
    // The same cutoff as retention's: readings with ts below it are deleted.
    if (reading.ts() < nowEpochSeconds - maxAgeSeconds) {
      return RejectReason.TOO_OLD;
    }
    return null;
  }
}
