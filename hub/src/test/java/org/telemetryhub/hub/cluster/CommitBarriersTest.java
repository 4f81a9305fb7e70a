package org.telemetryhub.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.testing.Poll;

/**
 * Node A answering node B's commit barrier, on one (non-clustered) Vert.x: only once A has applied
 * B's changes up to B's number, and then only once A's own store writer's barrier has passed.
 */
class CommitBarriersTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final Vertx vertx = Vertx.vertx();
  private final Context contextA = vertx.getOrCreateContext();
  private final Context contextB = vertx.getOrCreateContext();
  private final Peers peersOfA = new Peers(vertx, "node-a", () -> List.of("node-a", "node-b"));
  private final OwnState ownOfA = new OwnState(vertx.eventBus(), contextA, "node-a", "hub-a");
  private final CommitBarriers barriersOfA = new CommitBarriers(vertx, contextA, "node-a", ownOfA, peersOfA);
  private final OwnState nodeB = new OwnState(vertx.eventBus(), contextB, "node-b", "hub-b");
  private volatile Promise<Void> storeBarrierOfA;

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBarrierIsAnsweredOnceTheAskersChangesAreAppliedAndTheStoreCommitted() throws Exception {
    peersOfA.addListener(barriersOfA);
    barriersOfA.localBarrier(() -> {
      storeBarrierOfA = Promise.promise();
      return storeBarrierOfA.future();
    });
    CompletableFuture<Void> registered = new CompletableFuture<>();
    contextA.runOnContext(ignored -> Future.all(
        vertx.eventBus().<JsonObject>consumer(ClusterState.CHANGES, peersOfA::onChange).completion(),
        vertx.eventBus().<JsonObject>consumer(ClusterState.nodeAddress("node-a", ClusterState.BARRIER), barriersOfA::onRequest)
            .completion()).onComplete(done -> registered.complete(null)));
    contextB.runOnContext(ignored -> vertx.eventBus().consumer(ClusterState.nodeAddress("node-b", ClusterState.SNAPSHOT),
        request -> request.reply(nodeB.snapshot())));
    registered.get(5, TimeUnit.SECONDS);

    // B asks for a barrier at its change 1 before A has heard of B at all: A fetches B's state first.
    nodeB.filterAdded("readings/#");
    CompletableFuture<Object> answer = vertx.eventBus()
        .request(ClusterState.nodeAddress("node-a", ClusterState.BARRIER), new JsonObject().put("node", "node-b").put("seq", 1),
            new DeliveryOptions().setSendTimeout(5_000))
        .map(reply -> reply.body()).toCompletionStage().toCompletableFuture();
    Poll.until("A applied B's change 1 and asked its store", WAIT, () -> storeBarrierOfA != null);
    assertEquals(1, peersOfA.appliedSeq("node-b"));
    Thread.sleep(100);
    assertFalse(answer.isDone(), "no answer while A's store writer has not committed");

    storeBarrierOfA.complete();
    assertEquals(true, answer.get(5, TimeUnit.SECONDS));
  }
}
