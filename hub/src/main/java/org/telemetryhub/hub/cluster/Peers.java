package org.telemetryhub.hub.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other nodes as this one knows them: each one's filters, devices and sequence number, kept
 * in step from their changes on {@link ClusterState#CHANGES}. A node heard of for the first time,
 * or one whose numbers show a gap (or whose announcement is ahead), is asked for its whole state
 * (a snapshot) and followed from there. Changed on the state context; the queries may be called
 * from any thread.
 */
final class Peers {

  /** Another node as this one knows it. Changed on the state context; devices are read from any thread. */
  private static final class Peer {
    final String id;
    volatile String name;
    volatile long seq = -1;
    boolean snapshotRequested;
    final Set<String> filters = new HashSet<>();
    final ConcurrentMap<String, Presence> devices = new ConcurrentHashMap<>();

    Peer(String id) {
      this.id = id;
      this.name = id;
    }
  }

  private static final long SNAPSHOT_RETRY_MILLIS = 500;
  private static final long SNAPSHOT_TIMEOUT_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(Peers.class);

  private final Vertx vertx;
  private final String nodeId;
  /** The cluster manager's members, this node included. */
  private final Supplier<List<String>> managerMembers;
  private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentMap<String, Peer> peers = new ConcurrentHashMap<>();

  Peers(Vertx vertx, String nodeId, Supplier<List<String>> managerMembers) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.managerMembers = managerMembers;
  }

  void addListener(ClusterListener listener) {
    listeners.add(listener);
  }

  // ---- changes (state context) ----

  void onChange(Message<JsonObject> message) {
    JsonObject change = message.body();
    String from = change.getString("node");
    if (nodeId.equals(from)) {
      return;
    }
    Peer peer = peers.get(from);
    if (peer == null) {
      if (!managerMembers.get().contains(from)) {
        return; // a node that has left; its last messages arrive late
      }
      peer = peerFor(from);
    }
    long number = change.getLong("seq");
    if (peer.seq < 0 || number > peer.seq + 1 || (number > peer.seq && "seq".equals(change.getString("op")))) {
      requestSnapshot(peer); // first contact, a gap, or an announcement ahead of what this node has
      return;
    }
    if (number <= peer.seq) {
      return; // already in the snapshot
    }
    apply(peer, change);
    peer.seq = number;
    String id = peer.id;
    listeners.forEach(l -> l.appliedUpTo(id, number));
  }

  private void apply(Peer peer, JsonObject change) {
    switch (change.getString("op")) {
      case "filter+" -> addFilter(peer, change.getString("filter"));
      case "filter-" -> removeFilter(peer, change.getString("filter"));
      case "device+" -> addDevice(peer, Presence.fromJson(change.getJsonObject("presence")));
      case "device-" -> peer.devices.remove(change.getString("device"));
      case "revoked" -> listeners.forEach(l -> l.revoked(change.getString("device"), change.getLong("at")));
      default -> LOG.warn("cluster: unknown change '{}' from node {}", change.getString("op"), peer.name);
    }
  }

  private void addFilter(Peer peer, String filter) {
    if (peer.filters.add(filter)) {
      listeners.forEach(l -> l.filterAdded(peer.id, filter));
    }
  }

  private void removeFilter(Peer peer, String filter) {
    if (peer.filters.remove(filter)) {
      listeners.forEach(l -> l.filterRemoved(peer.id, filter));
    }
  }

  private void addDevice(Peer peer, Presence presence) {
    peer.devices.put(presence.device(), presence);
    listeners.forEach(l -> l.devicePresent(presence));
  }

  // ---- membership (state context) ----

  /** A member of the cluster manager (or a node whose request arrived first): asked for its state unless known. */
  void memberJoined(String id) {
    if (!nodeId.equals(id)) {
      peerFor(id);
    }
  }

  private Peer peerFor(String id) {
    Peer peer = peers.computeIfAbsent(id, Peer::new);
    if (peer.seq < 0) {
      requestSnapshot(peer);
    }
    return peer;
  }

  void memberLeft(String id) {
    listeners.forEach(l -> l.memberLeft(id));
    Peer peer = peers.remove(id);
    if (peer == null || peer.seq < 0) {
      return; // never heard from over the event bus: not one of the hubs (no cluster certificate), or gone at once
    }
    LOG.info("cluster: node {} left ({} devices were connected there)", peer.name, peer.devices.size());
    new ArrayList<>(peer.filters).forEach(filter -> removeFilter(peer, filter));
    listeners.forEach(l -> l.nodeLeft(peer.id, peer.name, peer.devices.values()));
  }

  private void requestSnapshot(Peer peer) {
    if (peer.snapshotRequested) {
      return;
    }
    peer.snapshotRequested = true;
    vertx.eventBus().<JsonObject>request(ClusterState.nodeAddress(peer.id, ClusterState.SNAPSHOT), null,
        new DeliveryOptions().setSendTimeout(SNAPSHOT_TIMEOUT_MILLIS)).onComplete(reply -> {
          peer.snapshotRequested = false;
          if (peers.get(peer.id) != peer) {
            return; // left meanwhile
          }
          if (reply.failed()) {
            // Not ready yet (its consumers register as it starts) or busy: ask again shortly.
            vertx.setTimer(SNAPSHOT_RETRY_MILLIS, id -> requestSnapshot(peer));
          } else {
            applySnapshot(peer, reply.result().body());
          }
        });
  }

  private void applySnapshot(Peer peer, JsonObject snapshot) {
    long number = snapshot.getLong("seq");
    if (number <= peer.seq) {
      return;
    }
    boolean first = peer.seq < 0;
    peer.name = snapshot.getString("name");
    if (first) {
      listeners.forEach(l -> l.nodeKnown(peer.id, peer.name));
    }
    Set<String> filters = new HashSet<>();
    snapshot.getJsonArray("filters").forEach(filter -> filters.add((String) filter));
    for (String gone : new ArrayList<>(peer.filters)) {
      if (!filters.contains(gone)) {
        removeFilter(peer, gone);
      }
    }
    filters.forEach(filter -> addFilter(peer, filter));
    Map<String, Presence> devices = new HashMap<>();
    snapshot.getJsonArray("devices").forEach(json -> {
      Presence presence = Presence.fromJson((JsonObject) json);
      devices.put(presence.device(), presence);
    });
    peer.devices.keySet().retainAll(devices.keySet());
    devices.values().forEach(presence -> {
      if (!presence.equals(peer.devices.get(presence.device()))) {
        addDevice(peer, presence);
      }
    });
    snapshot.getJsonObject("revoked").forEach(entry ->
        listeners.forEach(l -> l.revoked(entry.getKey(), ((Number) entry.getValue()).longValue())));
    peer.seq = number;
    listeners.forEach(l -> l.appliedUpTo(peer.id, number));
    if (first) {
      LOG.info("cluster: node {} joined ({} devices connected there, {} channel filters)", peer.name, devices.size(),
          filters.size());
    }
  }

  // ---- queries (any thread) ----

  /** The number up to which the node's changes are applied here; -1 while its snapshot has not arrived. */
  long appliedSeq(String id) {
    Peer peer = peers.get(id);
    return peer == null ? -1 : peer.seq;
  }

  /** The device's newest connection on another node, or null when no other node holds it. */
  Presence newestElsewhere(String device) {
    Presence newest = null;
    for (Peer peer : peers.values()) {
      Presence presence = peer.devices.get(device);
      if (presence != null && presence.newerThan(newest)) {
        newest = presence;
      }
    }
    return newest;
  }

  /**
   * The event-bus ids of every member this node has heard from over the event bus (its state
   * arrived), this node included. A member of the cluster manager that never answers is not among
   * them: with mutual TLS between the nodes, a process that joined Hazelcast without the cluster's
   * certificate cannot answer, so it is never asked for its devices, never waited for, and never
   * the node that acts for all.
   */
  List<String> members() {
    List<String> members = new ArrayList<>();
    for (String node : managerMembers.get()) {
      if (node.equals(nodeId) || appliedSeq(node) >= 0) {
        members.add(node);
      }
    }
    return members;
  }

  /** Whether this node is the one (of the current members) that acts for all: the one with the least id. */
  boolean actsForAll() {
    return members().stream().sorted().findFirst().map(nodeId::equals).orElse(true);
  }

  /** The name of another node, or its id while its snapshot has not arrived. */
  String nameOf(String id) {
    Peer peer = peers.get(id);
    return peer == null ? id : peer.name;
  }
}
