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
}
