package org.telemetryhub.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.testing.Poll;

/**
 * How one node follows another's state: node A's {@link Peers} and node B's {@link OwnState} on one
 * (non-clustered) Vert.x, so that B's changes and snapshots travel the event bus as between nodes.
 */
class PeersTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final Vertx vertx = Vertx.vertx();
  private final Context contextA = vertx.getOrCreateContext();
  private final Context contextB = vertx.getOrCreateContext();
  private final List<String> managerMembers = new CopyOnWriteArrayList<>(List.of("node-a", "node-b"));
  private final Peers peersOfA = new Peers(vertx, "node-a", () -> managerMembers);
  private final OwnState nodeB = new OwnState(vertx.eventBus(), contextB, "node-b", "hub-b");
  private final List<String> told = new CopyOnWriteArrayList<>();
  private MessageConsumer<JsonObject> changesToA;

  PeersTest() throws Exception {
    peersOfA.addListener(new ClusterListener() {
      @Override
      public void nodeKnown(String nodeId, String nodeName) {
        told.add("known " + nodeName);
      }

      @Override
      public void filterAdded(String nodeId, String filter) {
        told.add("filter+ " + filter);
      }

      @Override
      public void filterRemoved(String nodeId, String filter) {
        told.add("filter- " + filter);
      }

      @Override
      public void devicePresent(Presence presence) {
        told.add("present " + presence.device());
      }

      @Override
      public void nodeLeft(String nodeId, String nodeName, Collection<Presence> devicesHeld) {
        told.add("left " + nodeName + " " + devicesHeld.stream().map(Presence::device).sorted().toList());
      }

      @Override
      public void memberLeft(String nodeId) {
        told.add("member left " + nodeId);
      }
    });
    listenToChanges();
    on(contextB, () -> vertx.eventBus().consumer(ClusterState.nodeAddress("node-b", ClusterState.SNAPSHOT),
        request -> request.reply(nodeB.snapshot())));
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aNodeIsFollowedFromItsSnapshotAndThenByItsChanges() throws Exception {
    nodeB.filterAdded("readings/#");
    nodeB.deviceConnected(presence("dev-1", 1_000));
    on(contextA, () -> peersOfA.memberJoined("node-b"));
    Poll.until("node B's snapshot applied", WAIT, () -> peersOfA.appliedSeq("node-b") == 2);
    assertEquals(List.of("known hub-b", "filter+ readings/#", "present dev-1"), told);
    assertEquals("hub-b", peersOfA.nameOf("node-b"));
    assertEquals(List.of("node-a", "node-b"), peersOfA.members());

    nodeB.deviceConnected(presence("dev-2", 2_000));
    nodeB.deviceDisconnected("dev-1", "conn-dev-1");
    Poll.until("node B's changes applied", WAIT, () -> peersOfA.appliedSeq("node-b") == 4);
    assertNull(peersOfA.newestElsewhere("dev-1"), "dev-1 disconnected on node B");
    assertEquals("node-b", peersOfA.newestElsewhere("dev-2").nodeId());
  }

  @Test
  void aGapInTheNumbersFetchesTheWholeStateAgain() throws Exception {
    nodeB.deviceConnected(presence("dev-1", 1_000));
    on(contextA, () -> peersOfA.memberJoined("node-b"));
    Poll.until("node B's snapshot applied", WAIT, () -> peersOfA.appliedSeq("node-b") == 1);

    // Node B's change 2 never reaches A (A does not listen while it is published) ...
    changesToA.unregister().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    nodeB.deviceDisconnected("dev-1", "conn-dev-1");
    Poll.until("node B at change 2", WAIT, () -> snapshotSeqOfB() == 2);
    listenToChanges();
    // ... and its change 3 arrives: A notices the gap and takes B's whole state, without dev-1.
    nodeB.deviceConnected(presence("dev-3", 3_000));
    Poll.until("node B's state after the gap", WAIT, () -> peersOfA.appliedSeq("node-b") == 3);
    assertNull(peersOfA.newestElsewhere("dev-1"), "the lost disconnection is in the snapshot");
    assertNotNull(peersOfA.newestElsewhere("dev-3"));
  }

  @Test
  void aLostNodesDevicesGoToTheListenersAndItsFiltersAreRemoved() throws Exception {
    nodeB.filterAdded("status/+");
    nodeB.deviceConnected(presence("dev-1", 1_000));
    nodeB.deviceConnected(presence("dev-2", 1_000));
    on(contextA, () -> peersOfA.memberJoined("node-b"));
    Poll.until("node B's snapshot applied", WAIT, () -> peersOfA.appliedSeq("node-b") == 3);

    managerMembers.remove("node-b");
    on(contextA, () -> peersOfA.memberLeft("node-b"));
    assertEquals(List.of("member left node-b", "filter- status/+", "left hub-b [dev-1, dev-2]"),
        told.subList(told.indexOf("member left node-b"), told.size()));
    assertNull(peersOfA.newestElsewhere("dev-1"));
    assertEquals(List.of("node-a"), peersOfA.members());
  }

  @Test
  void aMemberThatNeverAnswersIsNoMemberAndItsLeavingNoLoss() throws Exception {
    managerMembers.add("stranger"); // in the cluster manager, but nothing of it on the event bus
    on(contextA, () -> peersOfA.memberJoined("stranger"));
    on(contextA, () -> peersOfA.memberJoined("node-b"));
    Poll.until("node B's snapshot applied", WAIT, () -> peersOfA.appliedSeq("node-b") == 0);
    assertEquals(List.of("node-a", "node-b"), peersOfA.members());
    assertEquals(-1, peersOfA.appliedSeq("stranger"));

    managerMembers.remove("stranger");
    on(contextA, () -> peersOfA.memberLeft("stranger"));
    assertTrue(told.contains("member left stranger"));
    assertTrue(told.stream().noneMatch(line -> line.startsWith("left ")), "no devices to mark for a member never heard from");
  }

  // ---- helpers ----

  private void listenToChanges() throws Exception {
    on(contextA, () -> changesToA = vertx.eventBus().consumer(ClusterState.CHANGES, peersOfA::onChange));
    changesToA.completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private long snapshotSeqOfB() {
    CompletableFuture<Long> seq = new CompletableFuture<>();
    contextB.runOnContext(ignored -> seq.complete(nodeB.seq()));
    return seq.orTimeout(5, TimeUnit.SECONDS).join();
  }

  private static Presence presence(String device, long connectedAt) {
    return new Presence(device, "node-b", "hub-b", "conn-" + device, "127.0.0.1:4000", connectedAt);
  }

  /** Runs {@code action} on {@code context} and waits until it has run. */
  private static void on(Context context, Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(ignored -> {
      try {
        action.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.get(5, TimeUnit.SECONDS);
  }
}
