package org.telemetryhub.hub.protocol;

import java.time.Duration;

/**
 * The ranges a reading must fall in to be stored: values, how far ahead of the hub's clock its
 * time may be, and how old it may be (the retention period: an older reading would be deleted
 * as soon as stored).
 */
public record ValidRanges(
    float temperatureMin, float temperatureMax,
    float humidityMin, float humidityMax,
    float pressureMin, float pressureMax,
    Duration maxClockSkew, Duration maxAge) {

  public static final ValidRanges DEFAULT = new ValidRanges(-100f, 200f, 0f, 100f, 300f, 1100f, Duration.ofMinutes(5),
      Duration.ofDays(30));
}
