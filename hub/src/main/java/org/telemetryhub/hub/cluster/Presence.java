package org.telemetryhub.hub.cluster;

import io.vertx.core.json.JsonObject;
import org.telemetryhub.hub.liveness.Session;

/**
 * A device's connection on a node of the cluster, as every node learns it: which node (its
 * event-bus id and its name), which connection, from where, since when.
 *
 * <p>As a {@link Session} it stands for a connection held elsewhere: closing it from here does
 * nothing, because the node holding it closes it itself, when it learns of a newer connection or
 * of a revocation.
 */
record Presence(String device, String nodeId, String nodeName, String connectionId, String remoteAddress,
                long connectedAtMillis) implements Session {

  /** Whether this connection is newer than {@code other}: later, or as late and on the node with the greater id. */
  boolean newerThan(long otherConnectedAtMillis, String otherNodeId) {
    if (connectedAtMillis != otherConnectedAtMillis) {
      return connectedAtMillis > otherConnectedAtMillis;
    }
    return nodeId.compareTo(otherNodeId) > 0;
  }

  boolean newerThan(Presence other) {
    return other == null || newerThan(other.connectedAtMillis, other.nodeId);
  }

  JsonObject toJson() {
    return new JsonObject().put("device", device).put("nodeId", nodeId).put("nodeName", nodeName)
        .put("connectionId", connectionId).put("remoteAddress", remoteAddress).put("connectedAt", connectedAtMillis);
  }

  static Presence fromJson(JsonObject json) {
    return new Presence(json.getString("device"), json.getString("nodeId"), json.getString("nodeName"),
        json.getString("connectionId"), json.getString("remoteAddress"), json.getLong("connectedAt"));
  }

  @Override
  public void closeReplaced(Session newer) {
    // The node holding the connection closes it when the newer connection's presence reaches it.
  }

  @Override
  public void closeRevoked() {
    // The node holding the connection closes it when the revocation reaches it.
  }
}
