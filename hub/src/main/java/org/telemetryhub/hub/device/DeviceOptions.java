package org.telemetryhub.hub.device;

import java.time.Duration;
import org.telemetryhub.hub.protocol.ValidRanges;

/**
 * What the device channel accepts.
 *
 * @param maxFrameSize        the largest frame (and message) a device may send, in bytes; larger ones close with 1009
 * @param maxPendingPerDevice packets of one connection taken and not yet acknowledged before its socket is paused
 * @param maxClockSkew        how far ahead of the hub's clock a reading's timestamp may be
 * @param temperatureMin      the lowest valid temperature, degrees Celsius; the others likewise
 */
public record DeviceOptions(int maxFrameSize, int maxPendingPerDevice, Duration maxClockSkew,
                            float temperatureMin, float temperatureMax, float humidityMin, float humidityMax,
                            float pressureMin, float pressureMax) {

  public static final int DEFAULT_MAX_FRAME_SIZE = 65_536;
  public static final int DEFAULT_MAX_PENDING_PER_DEVICE = 1024;
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  public static final float DEFAULT_TEMPERATURE_MIN = -100;
  public static final float DEFAULT_TEMPERATURE_MAX = 200;
  public static final float DEFAULT_HUMIDITY_MIN = 0;
  public static final float DEFAULT_HUMIDITY_MAX = 100;
  public static final float DEFAULT_PRESSURE_MIN = 300;
  public static final float DEFAULT_PRESSURE_MAX = 1100;
  public static final DeviceOptions DEFAULTS = new DeviceOptions(DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_PENDING_PER_DEVICE,
      DEFAULT_MAX_CLOCK_SKEW, DEFAULT_TEMPERATURE_MIN, DEFAULT_TEMPERATURE_MAX, DEFAULT_HUMIDITY_MIN, DEFAULT_HUMIDITY_MAX,
      DEFAULT_PRESSURE_MIN, DEFAULT_PRESSURE_MAX);

  /** The ranges a reading must be in, {@code retention} being how old it may be. */
  public ValidRanges validRanges(Duration retention) {
    return new ValidRanges(temperatureMin, temperatureMax, humidityMin, humidityMax, pressureMin, pressureMax, maxClockSkew,
        retention);
  }

  public DeviceOptions withMaxPendingPerDevice(int packets) {
    return new DeviceOptions(maxFrameSize, packets, maxClockSkew, temperatureMin, temperatureMax, humidityMin, humidityMax,
        pressureMin, pressureMax);
  }

  public DeviceOptions withMaxClockSkew(Duration skew) {
    return new DeviceOptions(maxFrameSize, maxPendingPerDevice, skew, temperatureMin, temperatureMax, humidityMin, humidityMax,
        pressureMin, pressureMax);
  }
}
