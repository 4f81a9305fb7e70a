package org.telemetryhub.hub.cluster;

import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What this node tells the others: the channel filters its subscribers hold, the devices whose
 * connections it holds, and the revocations made on it. Every change is published on
 * {@link ClusterState#CHANGES} with this node's next sequence number; {@link #snapshot()} is the
 * whole of it with the number it is current to.
 *
 * <p>Changed and published on the state context only (callers on any thread hop there), so the
 * changes and snapshots leave this node in the order they were made.
 */
final class OwnState {

  private final EventBus bus;
  private final Context context;
  private final String nodeId;
  private final String nodeName;
  private long seq;
  /** How many of this node's subscriptions hold each filter; published when the first comes and the last goes. */
  private final Map<String, Integer> filterCounts = new HashMap<>();
  private final Map<String, Presence> devices = new HashMap<>();
  private Supplier<Map<String, Long>> revocations = Map::of;

  OwnState(EventBus bus, Context context, String nodeId, String nodeName) {
    this.bus = bus;
    this.context = context;
    this.nodeId = nodeId;
    this.nodeName = nodeName;
  }

  /** Where the snapshot's revocations come from (every revocation this node knows). */
  void revocations(Supplier<Map<String, Long>> revocations) {
    this.revocations = revocations;
  }

  /** The number of this node's latest change; on the state context. */
  long seq() {
    return seq;
  }

  void filterAdded(String filter) {
    context.runOnContext(ignored -> {
      if (filterCounts.merge(filter, 1, Integer::sum) == 1) {
        publishChange(new JsonObject().put("op", "filter+").put("filter", filter));
      }
    });
  }

  void filterRemoved(String filter) {
    context.runOnContext(ignored -> {
      Integer left = filterCounts.computeIfPresent(filter, (f, count) -> count == 1 ? null : count - 1);
      if (left == null) {
        publishChange(new JsonObject().put("op", "filter-").put("filter", filter));
      }
    });
  }

  void deviceConnected(Presence presence) {
    context.runOnContext(ignored -> {
      devices.put(presence.device(), presence);
      publishChange(new JsonObject().put("op", "device+").put("presence", presence.toJson()));
    });
  }

  /** The connection ended or moved away; ignored when the device has a newer connection here already. */
  void deviceDisconnected(String device, String connectionId) {
    context.runOnContext(ignored -> {
      Presence own = devices.get(device);
      if (own != null && own.connectionId().equals(connectionId)) {
        devices.remove(device);
        publishChange(new JsonObject().put("op", "device-").put("device", device));
      }
    });
  }

  void revoked(String device, long epochSeconds) {
    context.runOnContext(ignored ->
        publishChange(new JsonObject().put("op", "revoked").put("device", device).put("at", epochSeconds)));
  }

  /** Publishes the current number, so a node that missed the last change notices; on the state context. */
  void announce() {
    publish(new JsonObject().put("op", "seq"));
  }

  private void publishChange(JsonObject change) {
    seq++;
    publish(change);
  }

  private void publish(JsonObject message) {
    bus.publish(ClusterState.CHANGES, message.put("node", nodeId).put("seq", seq));
  }

  /** The whole of this node's state, current to {@link #seq()}; on the state context. */
  JsonObject snapshot() {
    JsonArray presences = new JsonArray();
    devices.values().forEach(presence -> presences.add(presence.toJson()));
    JsonObject revoked = new JsonObject();
    revocations.get().forEach(revoked::put);
    return new JsonObject().put("node", nodeId).put("name", nodeName).put("seq", seq)
        .put("filters", new JsonArray(new ArrayList<>(filterCounts.keySet()))).put("devices", presences).put("revoked", revoked);
  }
}
