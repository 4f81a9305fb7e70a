package org.telemetryhub.hub.liveness;

/** A state transition of one device: the payload of status/{deviceId}. {@code since} is epoch milliseconds. */
public record DeviceStatus(String device, DeviceState state, long since, String reason) {
}
