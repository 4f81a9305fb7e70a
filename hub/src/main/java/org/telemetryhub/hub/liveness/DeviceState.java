package org.telemetryhub.hub.liveness;

import java.util.Locale;

/** Liveness of a device, as published on status/{deviceId} (docs/device-protocol.md, "States"). */
public enum DeviceState {
  /** Connected, heartbeats answered, readings arriving. */
  ONLINE,
  /** Connected and answering heartbeats, but no packet for the "silent after" period. */
  SILENT,
  /** Closed, or terminated by a heartbeat timeout. */
  OFFLINE;

  /** The lower-case name used on the wire and in the API. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
