package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.rocksdb.RocksReadingStore;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.Tokens;

/**
 * Subscribers that ask for more than they read: retained messages ({@code last}) and stored
 * readings ({@code since}) requested over and over on a fleet of 20,000 devices, by clients that
 * never read a reply. A real hub process with a small heap: what each connection has waiting is
 * bounded, so the hub keeps its memory, its writers and its readiness, and a device that connects
 * meanwhile gets every ack at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplyFloodIT {

  private static final int FLEET = 20_000;
  private static final String BUSY = "dev-busy";
  private static final int BUSY_READINGS = 12_000;
  private static final Duration ATTACK = Duration.ofSeconds(15);
  private static final long NOW = Instant.now().getEpochSecond();

  @TempDir
  static Path fleetDir;

  /**
   * A store that knows 20,000 devices, each with three readings (what a hub restarted on it lists),
   * and one device with a long history.
   */
  @BeforeAll
  void storeKnowsAFleet() throws Exception {
    try (RocksReadingStore store = RocksReadingStore.open(fleetDir, 2)) {
      List<Reading> batch = new ArrayList<>();
      for (int i = 0; i < FLEET; i++) {
        for (int k = 0; k < 3; k++) {
          batch.add(new Reading(String.format("dev-%05d", i), NOW - 600 + k, 21.5f, 40f, 1000f));
        }
        if (batch.size() >= 3_000) {
          store.write(batch);
          batch.clear();
        }
      }
      store.write(batch);
      batch.clear();
      for (int k = 0; k < BUSY_READINGS; k++) {
        batch.add(new Reading(BUSY, NOW - 100_000 + k, 21.5f, 40f, 1000f));
      }
      store.write(batch);
    }
  }

  private Vertx vertx;

  @BeforeAll
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void closeVertx() {
    vertx.close();
  }

  /**
   * Verifies that one subscriber repeating {@code last:true} for every device without reading the
   * replies neither exhausts the heap nor stops the hub from acking a new device.
   */
  @Test
  void retainedRequestsFromAReaderThatNeverReads(@TempDir Path copy) throws Exception {
    String request = new JsonObject().put("action", "subscribe")
        .put("channels", new JsonArray().add("readings/+").add("status/+")).put("last", true).encode();
    attackAndCheck(copy, 1, request);
  }

  /**
   * Verifies that ten subscribers repeating {@code since:0} for a device with a long history
   * (each request replays the limit, 10,000 readings) without reading leave the hub whole and serving.
   */
  @Test
  void replayRequestsFromTenReadersThatNeverRead(@TempDir Path copy) throws Exception {
    String request = new JsonObject().put("action", "subscribe")
        .put("channels", new JsonArray().add("readings/" + BUSY)).put("since", 0).encode();
    attackAndCheck(copy, 10, request);
  }

  /** Verifies that a {@code since} past the end of the wire's time range gets an error reply instead of an overflow. */
  @Test
  void sinceBeyondTheWireRangeIsRefused(@TempDir Path copy) throws Exception {
    copyFleet(copy);
    try (HubProcess hub = HubProcess.serve(List.of("-Xmx256m"), copy);
         RawWebSocket subscriber = RawWebSocket.connect(hub.port(), "/ws/subscribe", Tokens.subscriber("flood", "readings/+"))) {
      subscriber.sendFrame(RawWebSocket.TEXT, ("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-00001\"],\"since\":"
          + Long.MAX_VALUE + ",\"id\":1}").getBytes(StandardCharsets.UTF_8));
      RawWebSocket.Frame reply = subscriber.readFrame();
      JsonObject error = new JsonObject(new String(reply.payload(), StandardCharsets.UTF_8));
      assertEquals(1, error.getInteger("id"), error.encode());
      assertTrue(error.getString("error").contains("since"), error.encode());
      subscriber.sendFrame(RawWebSocket.TEXT, "{\"action\":\"subscribe\",\"channels\":[\"readings/dev-00001\"],\"since\":0,\"id\":2}"
          .getBytes(StandardCharsets.UTF_8));
      List<Long> replayed = new ArrayList<>();
      JsonObject message;
      do {
        message = new JsonObject(new String(subscriber.readFrame().payload(), StandardCharsets.UTF_8));
        if (message.containsKey("channel")) {
          replayed.add(message.getJsonObject("payload").getLong("ts"));
        }
      } while (!message.containsKey("ack"));
      assertEquals(List.of(NOW - 600, NOW - 599, NOW - 598), replayed, "the device's stored readings, oldest first");
    }
  }

  /** A copy of the fleet's data directory, the store's directory with every file in it. */
  private void copyFleet(Path copy) throws IOException {
    try (var paths = java.nio.file.Files.walk(fleetDir)) {
      for (Path path : paths.toList()) {
        Path target = copy.resolve(fleetDir.relativize(path).toString());
        if (java.nio.file.Files.isDirectory(path)) {
          java.nio.file.Files.createDirectories(target);
        } else {
          java.nio.file.Files.copy(path, target);
        }
      }
    }
  }

  private void attackAndCheck(Path copy, int attackers, String request) throws Exception {
    copyFleet(copy);
    try (HubProcess hub = HubProcess.serve(List.of("-Xmx256m"), copy)) {
      int port = hub.port();
      HubApi api = new HubApi(port);
      AtomicLong requestsSent = new AtomicLong();
      List<RawWebSocket> sockets = new ArrayList<>();
      List<Thread> senders = new ArrayList<>();
      byte[] frame = RawWebSocket.encode(true, 0, RawWebSocket.TEXT, request.getBytes(StandardCharsets.UTF_8), true);
      for (int i = 0; i < attackers; i++) {
        RawWebSocket socket = RawWebSocket.connect(port, "/ws/subscribe", Tokens.subscriber("flood-" + i, "readings/+", "status/+"),
            4096);
        sockets.add(socket);
        Thread sender = new Thread(() -> {
          try {
            while (!Thread.currentThread().isInterrupted()) {
              socket.sendRaw(frame); // blocks once the hub stops reading this socket
              requestsSent.incrementAndGet();
            }
          } catch (IOException closedByTheTest) {
            // the attack is over
          }
        }, "flood-" + i);
        sender.setDaemon(true);
        sender.start();
        senders.add(sender);
      }
      long end = System.nanoTime() + ATTACK.toNanos();
      while (System.nanoTime() < end && hub.isAlive()) {
        Thread.sleep(250);
      }

      // While the attackers are still connected, a new device is served and the hub is ready.
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), port, "dev-new");
      for (int k = 1; k <= 19; k++) {
        device.sendPackets(20f, NOW - 100 + k, 50f, 1000f);
        device.awaitAck(k, Duration.ofSeconds(2));
      }
      HubApi.Response ready = api.get("/health/ready");
      assertEquals(200, ready.status(), ready.body());
      double heapBytes = api.metric("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"}");

      for (RawWebSocket socket : sockets) {
        socket.close();
      }
      for (Thread sender : senders) {
        sender.join(5_000);
      }
      device.close();
      assertTrue(hub.isAlive(), "the hub is still running:\n" + hub.output());
      assertFalse(hub.output().contains("OutOfMemoryError"), hub.output());
      System.out.printf("%d attacker(s) wrote %d requests into their sockets in %d s; old generation after: %.1f MiB%n",
          attackers, requestsSent.get(), ATTACK.toSeconds(), heapBytes / 1024 / 1024);
    }
  }
}
