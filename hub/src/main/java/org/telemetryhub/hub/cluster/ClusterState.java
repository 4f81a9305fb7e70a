package org.telemetryhub.hub.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;

/**
 * What the hubs add to the cluster manager's membership, kept in step on every node: this node's
 * own state ({@link OwnState}), the other nodes' as learned ({@link Peers}) and the commit barriers
 * between them ({@link CommitBarriers}). This class is their node identity, their event loop (the
 * state context) and their lifecycle: the consumers, the membership events and the periodic
 * announcement of this node's number, every {@link #ANNOUNCE_INTERVAL_MILLIS}, so that a lost
 * last change is noticed too.
 *
 * <p>One node's changes and snapshots are all sent from its state context, so they reach each
 * other node in the order they were made.
 */
final class ClusterState {

  static final String CHANGES = "hub.cluster.state";
  /** Per-node purposes: a node's snapshot, and its answer to a commit barrier. */
  static final String SNAPSHOT = "state";
  static final String BARRIER = "barrier";
  static final long ANNOUNCE_INTERVAL_MILLIS = 2_000;

  private final Vertx vertx;
  private final ClusterManager manager;
  private final String nodeId;
  private final String nodeName;
  private final Context context;
  private final OwnState own;
  private final Peers peers;
  private final CommitBarriers barriers;
  private long announcer = -1;

  ClusterState(Vertx vertx, ClusterManager manager, String nodeName) {
    this.vertx = vertx;
    this.manager = manager;
    this.nodeId = manager.getNodeId();
    this.nodeName = nodeName;
    this.context = vertx.getOrCreateContext();
    this.own = new OwnState(vertx.eventBus(), context, nodeId, nodeName);
    this.peers = new Peers(vertx, nodeId, manager::getNodes);
    this.barriers = new CommitBarriers(vertx, context, nodeId, own, peers);
    peers.addListener(barriers);
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

  /** The event loop on which the cluster's state changes, and from which this node's changes leave. */
  Context context() {
    return context;
  }

  OwnState own() {
    return own;
  }

  Peers peers() {
    return peers;
  }

  CommitBarriers barriers() {
    return barriers;
  }

  /** Registers the consumers, then asks every other member for its state. Call once, before the hub serves. */
  Future<Void> start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(ignored -> {
      EventBus bus = vertx.eventBus();
      Future.all(
          bus.<JsonObject>consumer(CHANGES, peers::onChange).completion(),
          bus.consumer(nodeAddress(nodeId, SNAPSHOT), request -> request.reply(own.snapshot())).completion(),
          bus.<JsonObject>consumer(nodeAddress(nodeId, BARRIER), barriers::onRequest).completion())
          .<Void>mapEmpty().onComplete(registered -> {
            if (registered.succeeded()) {
              manager.nodeListener(new NodeListener() {
                @Override
                public void nodeAdded(String id) {
                  context.runOnContext(v -> peers.memberJoined(id));
                }

                @Override
                public void nodeLeft(String id) {
                  context.runOnContext(v -> peers.memberLeft(id));
                }
              });
              manager.getNodes().forEach(peers::memberJoined);
              announcer = vertx.setPeriodic(ANNOUNCE_INTERVAL_MILLIS, id -> own.announce());
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
}
