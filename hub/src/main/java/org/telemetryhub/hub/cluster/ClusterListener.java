package org.telemetryhub.hub.cluster;

import java.util.Collection;

/** Told of the other nodes' state as this node learns it, on the state context. */
interface ClusterListener {

  default void nodeKnown(String nodeId, String nodeName) { }

  default void filterAdded(String nodeId, String filter) { }

  default void filterRemoved(String nodeId, String filter) { }

  default void devicePresent(Presence presence) { }

  default void revoked(String device, long epochSeconds) { }

  /** The node's changes up to number {@code seq} are applied here. */
  default void appliedUpTo(String nodeId, long seq) { }

  /** The node left the cluster (or was lost); {@code devicesHeld} were its devices' connections as last known. */
  default void nodeLeft(String nodeId, String nodeName, Collection<Presence> devicesHeld) { }

  /** A member of the cluster manager left, whether or not this node ever heard from it. */
  default void memberLeft(String nodeId) { }
}
