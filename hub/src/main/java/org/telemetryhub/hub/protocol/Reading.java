package org.telemetryhub.hub.protocol;

/**
 * One sensor reading of one device. {@code ts} is Unix epoch seconds (the wire's uint32,
 * replaced by the hub's stamp when the device sent 0, "no clock"). Values are float32 as on the wire.
 */
public record Reading(String device, long ts, float temperature, float humidity, float pressure) {

  /** The same reading at another time. */
  public Reading at(long epochSeconds) {
    return new Reading(device, epochSeconds, temperature, humidity, pressure);
  }
}
