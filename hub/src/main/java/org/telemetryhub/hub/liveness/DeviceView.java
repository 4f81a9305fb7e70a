package org.telemetryhub.hub.liveness;

import org.telemetryhub.hub.protocol.Reading;

/**
 * A consistent snapshot of one device for the API. {@code lastSeen} is the epoch millisecond of
 * its last packet (0 if none since the hub started); {@code connection} is null when offline.
 */
public record DeviceView(String device, DeviceState state, long since, String reason, long lastSeen,
                         Reading lastReading, Connection connection) {

  /** The device's live connection: its id, the peer's address, since when, and the node (hub) holding it. */
  public record Connection(String id, String remoteAddress, long connectedAt, String node) {
  }

  /** The node holding the device's connection, or null when it is offline. */
  public String node() {
    return connection == null ? null : connection.node();
  }
}
