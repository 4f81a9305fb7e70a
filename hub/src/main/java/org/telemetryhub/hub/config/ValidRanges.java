package org.telemetryhub.hub.config;

import java.time.Duration;

/** The ranges a reading must fall in to be stored (protocol.md, "Bad input on the device channel"). */
public record ValidRanges(
    float temperatureMin, float temperatureMax,
    float humidityMin, float humidityMax,
    float pressureMin, float pressureMax,
    Duration maxClockSkew) {

  public static final ValidRanges DEFAULT = new ValidRanges(-100f, 200f, 0f, 100f, 300f, 1100f, Duration.ofMinutes(5));
}
