package org.telemetryhub.hub.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each node tells the others, kept in step on every node: the channel filters its
 * subscribers hold (for interest routing), the devices whose connections it holds, and the
 * revocations made on it. Membership itself is the cluster manager's (Hazelcast); this class
 * only replicates what hubs add to it.
 *
 * <p>Every change is published on {@link #CHANGES} with the node's next sequence number. A node
 * that hears of another for the first time, or sees a gap in its numbers, asks it for its whole
 * state (a snapshot) and goes on from there; every node also publishes its current number every
 * {@link #ANNOUNCE_INTERVAL_MILLIS}, so a lost last change is noticed too. One node's changes and
 * snapshots are all sent from one event loop (its state context), so they reach each other node
 * in the order they were made.
 */
final class ClusterState {

  /** Told of the other nodes' changes, on the state context. */
  interface Listener {
    default void nodeKnown(String nodeId, String nodeName) { }

    default void filterAdded(String nodeId, String filter) { }

    default void filterRemoved(String nodeId, String filter) { }

    default void devicePresent(Presence presence) { }

    default void revoked(String device, long epochSeconds) { }

    /** The node left the cluster (or was lost); {@code devicesHeld} were its devices' connections as last known. */
    default void nodeLeft(String nodeId, String nodeName, Collection<Presence> devicesHeld) { }
  }

  /** Another node as this one knows it. Changed on the state context; devices are read from any thread. */
  private static final class Peer {
    final String id;
    volatile String name;
    long seq = -1;
    boolean snapshotRequested;
    final Set<String> filters = new HashSet<>();
    final ConcurrentMap<String, Presence> devices = new ConcurrentHashMap<>();

    Peer(String id) {
      this.id = id;
      this.name = id;
    }
  }

  static final String CHANGES = "hub.cluster.state";
  static final long ANNOUNCE_INTERVAL_MILLIS = 2_000;
  private static final long SNAPSHOT_RETRY_MILLIS = 500;
  private static final long SNAPSHOT_TIMEOUT_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(ClusterState.class);

  private final Vertx vertx;
  private final ClusterManager manager;
  private final String nodeId;
  private final String nodeName;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentMap<String, Peer> peers = new ConcurrentHashMap<>();
  private final Context context;
  // This node's own state, as published; changed on the state context only.
  private long seq;
  private java.util.function.Supplier<Future<Void>> localBarrier = Future::succeededFuture;
  /** Barrier requests from other nodes waiting until this node has applied their changes up to a number. */
  private final List<SeqWaiter> seqWaiters = new ArrayList<>();

  private record SeqWaiter(String node, long seq, Runnable then) {
  }

  static final long BARRIER_TIMEOUT_MILLIS = 5_000;
  private final Map<String, Integer> filterCounts = new HashMap<>();
  private final Map<String, Presence> ownDevices = new HashMap<>();
  private java.util.function.Supplier<Map<String, Long>> revocations = Map::of;
  private long announcer = -1;

  ClusterState(Vertx vertx, ClusterManager manager, String nodeName) {
    this.vertx = vertx;
    this.manager = manager;
    this.nodeId = manager.getNodeId();
    this.nodeName = nodeName;
    this.context = vertx.getOrCreateContext();
  }

  /** The event-bus address of one node's {@code purpose}: requests to that node alone. */
  static String nodeAddress(String nodeId, String purpose) {
    return "hub.node." + nodeId + "." + purpose;
  }

  String nodeId() {
    return nodeId;
  }

  String nodeName() {
    return nodeName;
  }

  Context context() {
    return context;
  }

  /** What this node does when another asks for a commit barrier: its own store writer's barrier. */
  void localBarrier(java.util.function.Supplier<Future<Void>> barrier) {
    this.localBarrier = barrier;
  }

  void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Where the snapshot's revocations come from (every revocation this node knows). */
  void revocations(java.util.function.Supplier<Map<String, Long>> revocations) {
    this.revocations = revocations;
  }

  /** Registers the consumers, then asks every other member for its state. Call once, before the hub serves. */
  Future<Void> start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(ignored -> {
      EventBus bus = vertx.eventBus();
      MessageConsumer<JsonObject> changes = bus.consumer(CHANGES, this::onChange);
      MessageConsumer<Object> snapshots = bus.consumer(nodeAddress(nodeId, "state"), request -> request.reply(snapshot()));
      MessageConsumer<JsonObject> barriers = bus.consumer(nodeAddress(nodeId, "barrier"), this::onBarrierRequest);
      Future.all(changes.completion(), snapshots.completion(), barriers.completion()).<Void>mapEmpty().onComplete(registered -> {
        if (registered.succeeded()) {
          manager.nodeListener(new NodeListener() {
            @Override
            public void nodeAdded(String id) {
              context.runOnContext(v -> peerAdded(id));
            }

            @Override
            public void nodeLeft(String id) {
              context.runOnContext(v -> peerLeft(id));
            }
          });
          for (String member : manager.getNodes()) {
            peerAdded(member);
          }
          announcer = vertx.setPeriodic(ANNOUNCE_INTERVAL_MILLIS, id -> publish(new JsonObject().put("op", "seq"), false));
        }
        started.handle(registered);
      });
    });
    return started.future();
  }

  /**
   * Stops the announcements; completes on the state context after every change queued before it
   * was published (they are sent in order, before anything published later).
   */
  Future<Void> stopAnnouncing() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(ignored -> {
      vertx.cancelTimer(announcer);
      stopped.complete();
    });
    return stopped.future();
  }

  // ---- commit barriers across the cluster ----

  /**
   * Completes once every other node has applied this node's changes made so far (a subscription
   * just added among them) and committed every reading it had submitted by then: from that point
   * each of their readings reaches this node's subscribers live or is in the shared store.
   */
  Future<Void> barrier() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(ignored -> {
      JsonObject request = new JsonObject().put("node", nodeId).put("seq", seq);
      List<Future<Object>> answers = new ArrayList<>();
      for (String peer : members()) {
        if (peer.equals(nodeId)) {
          continue;
        }
        answers.add(vertx.eventBus().request(nodeAddress(peer, "barrier"), request,
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(BARRIER_TIMEOUT_MILLIS)).map(reply -> null));
      }
      Future.all(answers).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  private void onBarrierRequest(Message<JsonObject> request) {
    String from = request.body().getString("node");
    long wanted = request.body().getLong("seq");
    Runnable answer = () -> localBarrier.get().onComplete(committed -> {
      if (committed.succeeded()) {
        request.reply(true);
      } else {
        request.fail(500, committed.cause().getMessage());
      }
    });
    Peer peer = peers.get(from);
    if (peer != null && peer.seq >= wanted) {
      answer.run();
    } else {
      seqWaiters.add(new SeqWaiter(from, wanted, answer));
      if (peer == null) {
        peerAdded(from);
      }
    }
  }

  /** After a peer's changes are applied up to {@code peer.seq}: the barrier requests that waited for them. */
  private void appliedUpTo(Peer peer) {
    if (seqWaiters.isEmpty()) {
      return;
    }
    for (java.util.Iterator<SeqWaiter> waiting = seqWaiters.iterator(); waiting.hasNext(); ) {
      SeqWaiter waiter = waiting.next();
      if (waiter.node().equals(peer.id) && peer.seq >= waiter.seq()) {
        waiting.remove();
        waiter.then().run();
      }
    }
  }

  // ---- this node's changes (any thread) ----

  void filterAdded(String filter) {
    context.runOnContext(ignored -> {
      if (filterCounts.merge(filter, 1, Integer::sum) == 1) {
        publish(new JsonObject().put("op", "filter+").put("filter", filter), true);
      }
    });
  }

  void filterRemoved(String filter) {
    context.runOnContext(ignored -> {
      Integer left = filterCounts.computeIfPresent(filter, (f, count) -> count == 1 ? null : count - 1);
      if (left == null) {
        publish(new JsonObject().put("op", "filter-").put("filter", filter), true);
      }
    });
  }

  void deviceConnected(Presence presence) {
    context.runOnContext(ignored -> {
      ownDevices.put(presence.device(), presence);
      publish(new JsonObject().put("op", "device+").put("presence", presence.toJson()), true);
    });
  }

  /** The connection ended or moved away; ignored when the device has a newer connection here already. */
  void deviceDisconnected(String device, String connectionId) {
    context.runOnContext(ignored -> {
      Presence own = ownDevices.get(device);
      if (own != null && own.connectionId().equals(connectionId)) {
        ownDevices.remove(device);
        publish(new JsonObject().put("op", "device-").put("device", device), true);
      }
    });
  }

  void revoked(String device, long epochSeconds) {
    context.runOnContext(ignored ->
        publish(new JsonObject().put("op", "revoked").put("device", device).put("at", epochSeconds), true));
  }

  /** On the state context. An announcement of the current number ({@code change} false) takes no number of its own. */
  private void publish(JsonObject message, boolean change) {
    if (change) {
      seq++;
    }
    vertx.eventBus().publish(CHANGES, message.put("node", nodeId).put("seq", seq));
  }

  private JsonObject snapshot() {
    JsonArray devices = new JsonArray();
    ownDevices.values().forEach(presence -> devices.add(presence.toJson()));
    JsonObject revoked = new JsonObject();
    revocations.get().forEach(revoked::put);
    return new JsonObject().put("node", nodeId).put("name", nodeName).put("seq", seq)
        .put("filters", new JsonArray(new ArrayList<>(filterCounts.keySet()))).put("devices", devices).put("revoked", revoked);
  }

  // ---- the other nodes (state context) ----

  private void onChange(Message<JsonObject> message) {
    JsonObject change = message.body();
    String from = change.getString("node");
    if (nodeId.equals(from)) {
      return;
    }
    Peer peer = peers.get(from);
    if (peer == null) {
      if (!manager.getNodes().contains(from)) {
        return; // a node that has left; its last messages arrive late
      }
      peer = peerAdded(from);
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
    appliedUpTo(peer);
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

  private Peer peerAdded(String id) {
    if (nodeId.equals(id)) {
      return null;
    }
    Peer peer = peers.computeIfAbsent(id, Peer::new);
    if (peer.seq < 0) {
      requestSnapshot(peer);
    }
    return peer;
  }

  private void requestSnapshot(Peer peer) {
    if (peer.snapshotRequested) {
      return;
    }
    peer.snapshotRequested = true;
    vertx.eventBus().<JsonObject>request(nodeAddress(peer.id, "state"), null,
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
    appliedUpTo(peer);
    if (first) {
      LOG.info("cluster: node {} joined ({} devices connected there, {} channel filters)", peer.name, devices.size(),
          filters.size());
    }
  }

  private void peerLeft(String id) {
    seqWaiters.removeIf(waiter -> waiter.node().equals(id)); // its barrier requests time out on its side
    Peer peer = peers.remove(id);
    if (peer == null || peer.seq < 0) {
      return; // never heard from over the event bus: not one of the hubs (no cluster certificate), or gone at once
    }
    LOG.info("cluster: node {} left ({} devices were connected there)", peer.name, peer.devices.size());
    new ArrayList<>(peer.filters).forEach(filter -> removeFilter(peer, filter));
    listeners.forEach(l -> l.nodeLeft(peer.id, peer.name, peer.devices.values()));
  }

  // ---- queries (any thread) ----

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
    for (String node : manager.getNodes()) {
      Peer peer = peers.get(node);
      if (node.equals(nodeId) || peer != null && peer.seq >= 0) {
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
