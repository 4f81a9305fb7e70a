package org.telemetryhub.hub.liveness;

import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.protocol.Reading;

/**
 * Who is connected where, with what state: every device the hub knows, its liveness state and
 * its live connection. The hub's callers use this seam only; {@link DeviceRegistry} is the
 * in-process implementation, and a cluster adds one that answers for every node.
 *
 * <p>Calls that change state name the session they come from: a replaced connection that closes
 * late does not touch the state its successor owns. Safe to call from any event loop.
 */
public interface DeviceDirectory {

  /** Makes {@code session} the device's connection and the device online; returns the session it replaces, or null. */
  Session connected(String deviceId, Session session);

  /** Records packets from the device's live session; a silent device is online again. */
  void packetsArrived(String deviceId, Session session, Reading lastReading);

  /** The session ended; the device goes offline unless a newer session has already taken over. */
  void disconnected(String deviceId, Session session, String reason);

  /** The device's live connection, or null when it has none. */
  Session session(String deviceId);

  Optional<DeviceView> find(String deviceId);

  /** Every known device, ordered by id. */
  List<DeviceView> all();

  int count(DeviceState state);
}
