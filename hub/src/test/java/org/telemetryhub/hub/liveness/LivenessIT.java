package org.telemetryhub.hub.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.TestHub;

/** Heartbeats of a few hundred milliseconds, and the online / silent / offline states they drive. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LivenessIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private TestHub hub;
  private HubApi api;
  private WebSocketClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir, o -> o.withLiveness(
        o.liveness().withHeartbeat(Duration.ofMillis(200), Duration.ofMillis(600)).withSilentAfter(Duration.ofMillis(800))));
    api = hub.api();
    client = DeviceClient.client(vertx);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  /** The device's state, or "unknown" while the hub does not list it yet. */
  private String state(String device) {
    HubApi.Response response = api.get("/api/devices/" + device);
    return response.status() == 404 ? "unknown" : response.json().getString("state");
  }

  /** Verifies that a client that stops answering pings is terminated without a close frame and shown offline with the reason. */
  @Test
  void clientThatStopsAnsweringPingsIsTerminatedAndOffline() throws Exception {
    try (RawWebSocket device = RawWebSocket.connect(hub.port(), "/ws/devices/mute-1", TestHub.token("mute-1"))) {
      api.awaitOnline("mute-1");
      // The client reads what the hub sends but never answers: pings go unanswered.
      RawWebSocket.Frame frame;
      int pings = 0;
      while ((frame = device.readFrame()) != null) {
        assertNotEquals(RawWebSocket.CLOSE, frame.opcode(), "a heartbeat timeout sends no close frame (the client sees 1006)");
        if (frame.opcode() == RawWebSocket.PING) {
          pings++;
        }
      }
      assertTrue(pings >= 2, "the hub pinged before giving up: " + pings);
    }
    JsonObject view = api.device("mute-1");
    assertEquals("offline", view.getString("state"));
    assertEquals("heartbeat timeout", view.getString("reason"));
    assertNull(view.getValue("connection"));
    assertTrue(api.get("/metrics").body().contains("hub_heartbeat_timeouts_total 1.0"));
  }

  /**
   * Verifies that a client answering pings (and sending nothing else) stays connected across
   * several heartbeat timeouts: the hub pings every interval, each pong counts, no timeout fires.
   */
  @Test
  void clientAnsweringPingsStaysConnected() throws Exception {
    try (RawWebSocket device = RawWebSocket.connect(hub.port(), "/ws/devices/steady-1", TestHub.token("steady-1"))) {
      int pings = 0;
      long deadline = System.nanoTime() + Duration.ofMillis(2_000).toNanos(); // more than three heartbeat timeouts
      while (System.nanoTime() < deadline) {
        RawWebSocket.Frame frame = device.readFrame();
        assertTrue(frame != null && frame.opcode() != RawWebSocket.CLOSE, "the hub ended the connection after " + pings + " pings");
        if (frame.opcode() == RawWebSocket.PING) {
          pings++;
          device.sendFrame(RawWebSocket.PONG, frame.payload());
        }
      }
      assertTrue(pings >= 5, "pings every 200 ms for 2 s: " + pings);
      assertEquals("silent", api.device("steady-1").getString("state"), "connected, with no reading for --silent-after");
      assertTrue(api.get("/metrics").body().contains("hub_heartbeat_timeouts_total 0.0"));
      device.sendFrame(RawWebSocket.BINARY, org.telemetryhub.hub.protocol.PacketCodec.encode(20f,
          Instant.now().getEpochSecond(), 50f, 1000f, io.vertx.core.buffer.Buffer.buffer()).getBytes());
      RawWebSocket.Frame ack;
      do {
        ack = device.readFrame();
      } while (ack != null && ack.opcode() != RawWebSocket.TEXT);
      assertEquals("{\"ack\":1}", new String(ack.payload(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Verifies that a device that answers pings but sends no readings goes silent, then online with its next reading. */
  @Test
  void quietDeviceGoesSilentThenOnlineWithItsNextReading() {
    DeviceClient device = DeviceClient.open(client, hub.port(), "quiet-1");
    api.awaitOnline("quiet-1");
    Poll.untilEquals("state of quiet-1", WAIT, "silent", () -> state("quiet-1"));
    assertEquals("no readings for 0s", api.device("quiet-1").getString("reason").replace("1s", "0s"));
    assertTrue(!device.isClosed(), "a silent device stays connected");

    device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    device.awaitAck(1, WAIT);
    JsonObject view = api.device("quiet-1");
    assertEquals("online", view.getString("state"));
    assertEquals("reading", view.getString("reason"));
  }

  /** Verifies that a second connection closes the first with 4000 and the device never shows offline. */
  @Test
  void takeoverKeepsTheDeviceOnline() {
    DeviceClient first = DeviceClient.open(client, hub.port(), "twin-1");
    String firstConnection = api.awaitOnline("twin-1").getJsonObject("connection").getString("id");
    long firstSince = api.device("twin-1").getLong("since");
    DeviceClient second = DeviceClient.open(client, hub.port(), "twin-1");
    assertEquals(4000, first.awaitClose(WAIT).code());
    Poll.until("the second connection registered", WAIT,
        () -> !firstConnection.equals(api.device("twin-1").getJsonObject("connection").getString("id")));

    JsonObject view = api.device("twin-1");
    assertEquals("online", view.getString("state"));
    assertEquals(firstSince, view.getLong("since"), "no transition happened: not offline, not online again");
    assertNotEquals(firstConnection, view.getJsonObject("connection").getString("id"));
    second.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    second.awaitAck(1, WAIT);
  }

  /** Verifies that a device closing normally goes offline with the code it sent. */
  @Test
  void normalCloseGoesOffline() {
    DeviceClient device = DeviceClient.open(client, hub.port(), "leaver-1");
    device.close();
    Poll.untilEquals("state of leaver-1", WAIT, "offline", () -> state("leaver-1"));
    assertEquals("closed by device", api.device("leaver-1").getString("reason"));
  }
}
