package org.telemetryhub.hub.liveness;

/** What the registry knows of a device's live connection. */
public interface Session {

  String connectionId();

  String remoteAddress();

  long connectedAtMillis();

  /** Closes this connection because a newer one of the same device took over (close 4000). */
  void closeReplaced(Session newer);

  /** Closes this connection because the device's tokens were revoked (close 1008). */
  void closeRevoked();

  /**
   * Whether the hub still owes this connection acks: a device that waits for them (its window
   * full while the store is behind) is quiet because of the hub, not silent.
   */
  default boolean awaitingAcks() {
    return false;
  }
}
