package org.telemetryhub.hub.protocol;

/**
 * One sensor reading of one device. {@code ts} is Unix epoch seconds (the wire's uint32,
 * already replaced by the arrival time when the device sent 0). Values are float32 as on the wire.
 */
public record Reading(String device, long ts, float temperature, float humidity, float pressure) {
}
