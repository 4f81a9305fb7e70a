package org.telemetryhub.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastNodeInfo;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.pubsub.Messages;
import org.telemetryhub.hub.testing.ClusterCertificates;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubCluster;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/**
 * Strangers that reach a cluster's ports, against two hubs whose nodes talk over mutual TLS:
 * a Hazelcast client with the cluster's name, a JVM that joins as a Vert.x member, and a second
 * hub with a token secret and a CA of its own. Hazelcast's port lets them in (its open-source
 * edition has no member authentication) and shows them the members' event-bus addresses, but
 * without a certificate of the cluster's CA none of them can read, inject, replace or revoke
 * anything, and the cluster goes on serving beside them.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterStrangersIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  static Path dir;
  private static InfluxServer influx;
  private static HubCluster cluster;
  private static Vertx vertx;
  private static WebSocketClient devices;
  private static WebSocketClient subscribers;

  @BeforeAll
  static void startCluster() throws Exception {
    influx = InfluxServer.start(dir.resolve("influx"));
    cluster = HubCluster.start(dir, influx, 2);
    vertx = Vertx.vertx();
    devices = DeviceClient.client(vertx);
    subscribers = SubscriberClient.client(vertx, false);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (influx != null) {
      influx.close();
    }
  }

  /**
   * Verifies what a Hazelcast client with the cluster's name gets: the members' event-bus
   * addresses (Hazelcast's port shows them; keep it private), and an event bus that refuses it.
   */
  @Test
  void aHazelcastClientLearnsAddressesButTheEventBusRefusesIt() throws Exception {
    ClientConfig config = new ClientConfig().setClusterName(HazelcastSetup.CLUSTER_NAME);
    config.getNetworkConfig().addAddress(cluster.members().split(",")[0]);
    config.setProperty("hazelcast.logging.type", "slf4j");
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    List<NodeInfo> busAddresses = new ArrayList<>();
    try {
      for (DistributedObject object : client.getDistributedObjects()) {
        if (object.getName().contains("nodeInfo")) {
          client.<String, HazelcastNodeInfo>getMap(object.getName()).values().forEach(info -> busAddresses.add(info.unwrap()));
        }
      }
    } finally {
      client.shutdown();
    }
    assertEquals(2, busAddresses.size(), "what the port shows: each member's event-bus address");
    for (NodeInfo bus : busAddresses) {
      // Without the cluster's certificate the handshake fails (the node asks for a client certificate of its
      // CA), or with TLS 1.3 the node closes the connection as soon as it has seen there is none.
      io.vertx.core.Promise<String> outcome = io.vertx.core.Promise.promise();
      vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm(""))
          .connect(bus.port(), bus.host()).onComplete(connected -> {
            if (connected.failed()) {
              outcome.tryComplete("handshake failed: " + connected.cause());
              return;
            }
            connected.result().closeHandler(ignored -> outcome.tryComplete("closed by the node"));
            connected.result().handler(data -> outcome.tryComplete("the node answered " + data.length() + " bytes"));
            connected.result().write(Buffer.buffer(new byte[64]));
          });
      String what = outcome.future().await(10, TimeUnit.SECONDS);
      assertTrue(what.startsWith("handshake failed") || what.equals("closed by the node"), what);
    }
  }

  /**
   * Verifies that a JVM that joins as a Vert.x member without the certificate can neither read
   * the device list nor inject a reading that a subscriber on a real node would receive, and
   * that the real nodes neither count nor wait for it.
   */
  @Test
  void aVertxMemberWithoutTheCertificateCanNeitherReadNorInject() throws Exception {
    DeviceClient device = DeviceClient.open(devices, cluster.port(0), "real-1");
    long now = Instant.now().getEpochSecond();
    device.sendPackets(21f, now, 40f, 1000f);
    device.awaitAck(1, WAIT);
    SubscriberClient subscriber = SubscriberClient.open(subscribers, cluster.port(0), "readings/+");
    subscriber.subscribe(1, "readings/+");

    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSetup.config(new ClusterOptions("127.0.0.1",
        freePort(), List.of(cluster.members().split(",")), 0, Duration.ofSeconds(10), null, "stranger", null)));
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    Vertx stranger = Vertx.builder().with(options).withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS);
    try {
      String realNode = manager.getNodes().stream().filter(node -> !node.equals(manager.getNodeId())).findFirst().orElseThrow();
      DeliveryOptions quickly = new DeliveryOptions().setSendTimeout(5_000);
      assertFalse(succeeds(stranger.eventBus().request(ClusterState.nodeAddress(realNode, ClusterFleet.DEVICES), null, quickly)),
          "a stranger reads no device list");
      Buffer injected = Buffer.buffer();
      MessageBatch.append(injected, new MessageBatch.Entry(Topics.READINGS, "real-1", now + 1,
          Messages.reading(new Reading("real-1", now + 1, 999.9f, 40f, 1000f))));
      for (String node : manager.getNodes()) {
        if (!node.equals(manager.getNodeId())) {
          assertFalse(succeeds(stranger.eventBus().request(ClusterState.nodeAddress(node, ClusterBroker.MESSAGES), injected,
              quickly)), "a stranger delivers nothing to a node");
        }
      }
      stranger.eventBus().publish(ClusterState.CHANGES, new io.vertx.core.json.JsonObject().put("node", manager.getNodeId())
          .put("seq", 1).put("op", "seq"));

      // The real nodes go on as two: they answer for the fleet at once and carry real readings, not the stranger's.
      HubApi api = cluster.api(0);
      long started = System.nanoTime();
      assertEquals(200, api.get("/api/devices").status());
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "the fleet is not held up by the stranger");
      assertEquals(2.0, api.metric("hub_cluster_nodes"), "the stranger is no member of the hubs' cluster");
      device.sendPackets(22f, now + 2, 40f, 1000f);
      device.awaitAck(2, WAIT);
      subscriber.await("the real reading", m -> m.containsKey("payload") && m.getJsonObject("payload").getLong("ts") == now + 2);
      assertTrue(subscriber.messagesOn("readings/").stream()
          .noneMatch(m -> m.getJsonObject("payload").getDouble("temperature") > 900), "nothing injected arrived");
    } finally {
      stranger.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Verifies that a second hub with a secret of its own and a certificate of another CA joins
   * Hazelcast but can neither replace a real device's connection nor revoke its tokens.
   */
  @Test
  void aHubWithAnotherSecretAndCertificateCanNeitherReplaceNorRevoke() throws Exception {
    String otherSecret = "stranger-secret-stranger-secret-0123456";
    ClusterCertificates otherCa = ClusterCertificates.make(dir.resolve("other-ca"), "stranger");
    int port = freePort();
    List<String> args = new ArrayList<>(List.of("serve", "--host=127.0.0.1", "--port=" + port,
        "--data-dir=" + dir.resolve("stranger"), "--token-secret=" + otherSecret, "--store=influx",
        "--influx-url=" + influx.url(), "--influx-database=cluster", "--cluster", "--cluster-host=127.0.0.1",
        "--cluster-port=" + freePort(), "--cluster-members=" + cluster.members(), "--node-name=stranger"));
    args.addAll(otherCa.args("stranger"));

    DeviceClient real = DeviceClient.open(devices, cluster.port(0), "real-2");
    long now = Instant.now().getEpochSecond();
    real.sendPackets(21f, now, 40f, 1000f);
    real.awaitAck(1, WAIT);
    try (HubProcess stranger = HubProcess.run(java.util.Map.of(), args.toArray(String[]::new))) {
      stranger.port();
      DeviceClient impostor = DeviceClient.await(DeviceClient.connect(devices, port, "real-2",
          Tokens.signedWith(otherSecret, "real-2", null)));
      impostor.sendPackets(20f, now + 1, 40f, 1000f);
      HubApi strangerAdmin = new HubApi(port, adminTokenSignedWith(otherSecret));
      assertEquals(200, strangerAdmin.post("/api/devices/real-2/revoke").status(), "it revokes on itself");

      // The real device's connection stays, acked; its token still works on every real node.
      for (int k = 2; k <= 5; k++) {
        real.sendPackets(21f, now + k, 40f, 1000f);
        real.awaitAck(k, WAIT);
      }
      assertFalse(real.isClosed(), "not replaced, not revoked");
      assertEquals("node-0", cluster.api(1).device("real-2").getString("node"), "the other real node lists the real connection");
      // Last, as it takes the device over: its token is still accepted on a real node.
      assertEquals(101, statusOf(cluster.port(1), "real-2", TestHub.token("real-2")), "its token still accepted");
    }
  }

  private static int statusOf(int port, String device, String token) {
    try {
      DeviceClient.connect(devices, port, device, token).await(10, TimeUnit.SECONDS).close();
      return 101;
    } catch (io.vertx.core.http.UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String adminTokenSignedWith(String secret) {
    Vertx tokens = Vertx.vertx();
    try {
      return org.telemetryhub.hub.auth.TokenService.withSecret(tokens, secret)
          .issueApiToken("stranger-admin", org.telemetryhub.hub.auth.ApiAccess.Role.ADMIN, null);
    } finally {
      tokens.close();
    }
  }

  private static boolean succeeds(io.vertx.core.Future<?> answer) {
    try {
      answer.await(10, TimeUnit.SECONDS);
      return true;
    } catch (Exception refused) {
      return false;
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
