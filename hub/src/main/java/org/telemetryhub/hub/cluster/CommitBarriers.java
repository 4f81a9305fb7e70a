package org.telemetryhub.hub.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Commit barriers across the cluster. A node that asks ({@link #barrier()}) learns when every
 * other node has applied its changes made so far (a subscription just added among them) and
 * committed every reading it had submitted by then; a node that is asked answers once it has
 * applied the asker's changes up to the asker's number and its own store writer's barrier has
 * passed.
 */
final class CommitBarriers implements ClusterListener {

  static final long BARRIER_TIMEOUT_MILLIS = 5_000;

  private record Waiter(String node, long seq, Runnable then) {
  }

  private final Vertx vertx;
  private final Context context;
  private final String nodeId;
  private final OwnState own;
  private final Peers peers;
  private Supplier<Future<Void>> localBarrier = Future::succeededFuture;
  /** Requests from other nodes waiting until this node has applied their changes up to a number; state context. */
  private final List<Waiter> waiters = new ArrayList<>();

  CommitBarriers(Vertx vertx, Context context, String nodeId, OwnState own, Peers peers) {
    this.vertx = vertx;
    this.context = context;
    this.nodeId = nodeId;
    this.own = own;
    this.peers = peers;
  }

  /** What this node does when another asks for a commit barrier: its own store writer's barrier. */
  void localBarrier(Supplier<Future<Void>> barrier) {
    this.localBarrier = barrier;
  }

  /**
   * Completes once every other node has applied this node's changes made so far and committed
   * every reading it had submitted by then: from that point each of their readings reaches this
   * node's subscribers live or is in the shared store.
   */
  Future<Void> barrier() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(ignored -> {
      JsonObject request = new JsonObject().put("node", nodeId).put("seq", own.seq());
      List<Future<Object>> answers = new ArrayList<>();
      for (String peer : peers.members()) {
        if (!peer.equals(nodeId)) {
          answers.add(vertx.eventBus().request(ClusterState.nodeAddress(peer, ClusterState.BARRIER), request,
              new DeliveryOptions().setSendTimeout(BARRIER_TIMEOUT_MILLIS)).map(reply -> null));
        }
      }
      Future.all(answers).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  /** Another node's barrier request; on the state context. */
  void onRequest(Message<JsonObject> request) {
    String from = request.body().getString("node");
    long wanted = request.body().getLong("seq");
    Runnable answer = () -> localBarrier.get().onComplete(committed -> {
      if (committed.succeeded()) {
        request.reply(true);
      } else {
        request.fail(500, committed.cause().getMessage());
      }
    });
    if (peers.appliedSeq(from) >= wanted) {
      answer.run();
    } else {
      waiters.add(new Waiter(from, wanted, answer));
      peers.memberJoined(from); // its snapshot may not have been asked for yet
    }
  }

  @Override
  public void appliedUpTo(String node, long seq) {
    if (waiters.isEmpty()) {
      return;
    }
    for (Iterator<Waiter> waiting = waiters.iterator(); waiting.hasNext(); ) {
      Waiter waiter = waiting.next();
      if (waiter.node().equals(node) && seq >= waiter.seq()) {
        waiting.remove();
        waiter.then().run();
      }
    }
  }

  @Override
  public void memberLeft(String node) {
    waiters.removeIf(waiter -> waiter.node().equals(node)); // its requests time out on its side
  }
}
