package org.telemetryhub.hub.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Which way should the nodes of a cluster learn where each device is connected: the hub's own
 * replication (each node publishes its changes on the event bus and answers snapshots, see
 * {@link ClusterState}) or Hazelcast's {@code ReplicatedMap} (every member keeps a copy; the entries
 * of a member that dies stay until a survivor removes them)? Both run on the same Vert.x and
 * Hazelcast set-up as the hub, four members in this one JVM on loopback, and are measured alike:
 *
 * <ol>
 *   <li>changes: node A connects N devices; time until nodes B and C both know all N;</li>
 *   <li>join: node D joins; time from its Vert.x being up until it knows A's N devices;</li>
 *   <li>death: A's Hazelcast is terminated (as by kill -9: its sockets close); time until B, C and
 *       D know none of A's devices.</li>
 * </ol>
 *
 * <p>Traffic is the loopback interface's bytes during each step ({@code /proc/net/dev}, both
 * directions counted once: what was sent), so the machine must be otherwise quiet on loopback;
 * Hazelcast's own heartbeats are in both variants alike. The variants run alternately, twice each.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.telemetryhub.hub.cluster.PresenceReplicationBench [devices]}
 */
public final class PresenceReplicationBench {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int PORT_BASE = 15_800;
  private static final List<String> MEMBERS = List.of("127.0.0.1:15801", "127.0.0.1:15802", "127.0.0.1:15803", "127.0.0.1:15804");

  private PresenceReplicationBench() {
  }

  /** One member of the cluster with one way of replicating presence. */
  private interface Node {
    void connect(Presence presence);

    /** How many devices this node knows as connected on {@code nodeId}. */
    int devicesOn(String nodeId);

    String nodeId();

    HazelcastClusterManager manager();

    Vertx vertx();
  }

  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    System.out.printf("== presence replication, %d devices, 4 members in one JVM on loopback, %d cores, %s%n",
        devices, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    List<String> order = args.length > 1 ? List.of(args[1].split(",")) : List.of("hub", "replicated-map", "replicated-map", "hub");
    for (String variant : order) {
      run(variant, devices);
    }
    System.exit(0);
  }

  private static void run(String variant, int devices) throws Exception {
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(start(variant, i));
    }
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    waitFor("three members", () -> a.manager().getNodes().size() == 3 && b.manager().getNodes().size() == 3
        && c.manager().getNodes().size() == 3);
    Thread.sleep(3_000); // first snapshots and the join's own traffic settle

    long bytes = loopbackBytes();
    long started = System.nanoTime();
    for (int i = 0; i < devices; i++) {
      a.connect(new Presence(String.format("dev-%06d", i), a.nodeId(), "node-1", "conn-" + i, "127.0.0.1:" + (20_000 + i % 40_000),
          1_700_000_000_000L + i));
    }
    waitFor("B and C know A's devices", () -> b.devicesOn(a.nodeId()) == devices && c.devicesOn(a.nodeId()) == devices);
    report(variant, "changes", started, bytes);

    bytes = loopbackBytes();
    started = System.nanoTime();
    Node d = start(variant, 4);
    long joined = System.nanoTime();
    waitFor("D knows A's devices", () -> d.devicesOn(a.nodeId()) == devices);
    System.out.printf("   (D's Vert.x and Hazelcast took %d ms to start and join)%n", (joined - started) / 1_000_000);
    report(variant, "join", joined, bytes);
    nodes.add(d);
    Thread.sleep(3_000);

    bytes = loopbackBytes();
    started = System.nanoTime();
    a.manager().getHazelcastInstance().getLifecycleService().terminate();
    waitFor("B, C and D know none of A's devices",
        () -> b.devicesOn(a.nodeId()) == 0 && c.devicesOn(a.nodeId()) == 0 && d.devicesOn(a.nodeId()) == 0);
    report(variant, "death", started, bytes);

    for (Node node : nodes.subList(1, nodes.size())) {
      node.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    a.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Thread.sleep(2_000);
  }

  private static Node start(String variant, int index) throws Exception {
    ClusterOptions options = new ClusterOptions("127.0.0.1", PORT_BASE + index, MEMBERS, 0, Duration.ofSeconds(5), null,
        "node-" + index, null);
    HazelcastClusterManager manager = HazelcastSetup.clusterManager(options);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(manager).buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return "hub".equals(variant) ? hubReplication(vertx, manager, index) : replicatedMap(vertx, manager);
  }

  /** The hub's own: {@link ClusterState}, with a listener that counts the devices it learns of per node. */
  private static Node hubReplication(Vertx vertx, HazelcastClusterManager manager, int index) throws Exception {
    ClusterState state = new ClusterState(vertx, manager, "node-" + index);
    Map<String, Set<String>> byNode = new ConcurrentHashMap<>();
    state.peers().addListener(new ClusterListener() {
      @Override
      public void devicePresent(Presence presence) {
        byNode.computeIfAbsent(presence.nodeId(), id -> ConcurrentHashMap.newKeySet()).add(presence.device());
      }

      @Override
      public void nodeLeft(String nodeId, String nodeName, Collection<Presence> devicesHeld) {
        byNode.remove(nodeId);
      }
    });
    state.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return new Node() {
      @Override
      public void connect(Presence presence) {
        state.own().deviceConnected(presence);
      }

      @Override
      public int devicesOn(String nodeId) {
        Set<String> devices = byNode.get(nodeId);
        return devices == null ? 0 : devices.size();
      }

      @Override
      public String nodeId() {
        return state.nodeId();
      }

      @Override
      public HazelcastClusterManager manager() {
        return manager;
      }

      @Override
      public Vertx vertx() {
        return vertx;
      }
    };
  }

  /**
   * Hazelcast's ReplicatedMap, device id to presence (as JSON, the hub's form). The entries of a
   * member that leaves are removed by the oldest surviving member, as the hub would have to.
   */
  private static Node replicatedMap(Vertx vertx, HazelcastClusterManager manager) {
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    ReplicatedMap<String, String> presences = hazelcast.getReplicatedMap("hub.presence");
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        if (!hazelcast.getCluster().getMembers().iterator().next().localMember()) {
          return; // the oldest member cleans up for all
        }
        String gone = event.getMember().getAttribute("__vertx.nodeId"); // Vert.x's node id, as presences hold it
        try {
          List<String> held = presences.entrySet().stream()
              .filter(entry -> new JsonObject(entry.getValue()).getString("nodeId").equals(gone)).map(Map.Entry::getKey).toList();
          held.forEach(presences::remove);
          if (!held.isEmpty()) {
            System.out.printf("   (%s removed %d presences of the lost member)%n", hazelcast.getName(), held.size());
          }
        } catch (RuntimeException e) {
          System.out.println("   cleanup failed: " + e);
        }
      }
    });
    return new Node() {
      @Override
      public void connect(Presence presence) {
        presences.put(presence.device(), presence.toJson().encode());
      }

      @Override
      public int devicesOn(String nodeId) {
        int count = 0;
        for (String json : presences.values()) {
          if (json.contains(nodeId)) {
            count++;
          }
        }
        return count;
      }

      @Override
      public String nodeId() {
        return manager.getNodeId();
      }

      @Override
      public HazelcastClusterManager manager() {
        return manager;
      }

      @Override
      public Vertx vertx() {
        return vertx;
      }
    };
  }

  private static void report(String variant, String step, long startedNanos, long bytesBefore) throws IOException {
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    long bytes = loopbackBytes() - bytesBefore;
    System.out.printf("%-15s %-8s converged in %6d ms, loopback %8.1f KiB%n", variant, step, millis, bytes / 1024.0);
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + WAIT.toSeconds() + " s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Bytes sent on the loopback interface so far. */
  private static long loopbackBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
      String trimmed = line.strip();
      if (trimmed.startsWith("lo:")) {
        String[] fields = trimmed.substring(3).strip().split("\\s+");
        return Long.parseLong(fields[8]); // transmit bytes
      }
    }
    throw new IllegalStateException("no loopback interface in /proc/net/dev");
  }
}
