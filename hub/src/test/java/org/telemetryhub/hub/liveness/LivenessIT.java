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
    hub = TestHub.start(dataDir,
        "--heartbeat-interval=200ms", "--heartbeat-timeout=600ms", "--silent-after=800ms");
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

  /** Verifies that a client answering pings stays connected across many heartbeat timeouts. */
  @Test
  void clientAnsweringPingsStaysConnected() {
    DeviceClient device = DeviceClient.open(client, hub.port(), "steady-1");
    long deadline = System.nanoTime() + Duration.ofMillis(2_000).toNanos();
    Poll.until("two seconds of heartbeats", Duration.ofSeconds(5), () -> System.nanoTime() > deadline);
    assertTrue(!device.isClosed(), "pongs keep the connection alive");
    device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    device.awaitAck(1, WAIT);
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
