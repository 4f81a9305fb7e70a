package org.telemetryhub.hub.liveness;

/** Told of every device state transition, in order per device. Must return quickly. */
@FunctionalInterface
public interface StatusListener {
  void onTransition(DeviceStatus status);
}
