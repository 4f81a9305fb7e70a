package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
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
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/**
 * Every row of the bad-input table of docs/device-protocol.md and every credential failure: each gets its close
 * code or HTTP status, nothing of it is stored, and a well-behaved device on the same hub keeps
 * streaming and being acked throughout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class BadInputIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private TestHub hub;
  private HubApi api;
  private WebSocketClient client;
  private DeviceClient good;
  private long goodSent;
  private final long now = Instant.now().getEpochSecond();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir);
    api = hub.api();
    client = DeviceClient.client(vertx);
    good = DeviceClient.open(client, hub.port(), "good-1");
    goodKeepsStreaming();
  }

  @AfterEach
  void stop() {
    goodKeepsStreaming();
    assertEquals(goodSent, api.readings("good-1", now - 10_000, now).size(), "the good device's readings are all stored");
    hub.close();
  }

  /** The well-behaved device sends one more reading and gets it acked. */
  private void goodKeepsStreaming() {
    good.sendPackets(20f, now - 10_000 + goodSent, 50f, 1000f);
    goodSent++;
    good.awaitAck(goodSent, WAIT);
  }

  private DeviceClient bad(String deviceId) {
    return DeviceClient.open(client, hub.port(), deviceId);
  }

  private void assertNothingStored(String deviceId) {
    assertEquals(0, api.readings(deviceId, 0, now + 1000).size(), "readings stored for " + deviceId);
  }

  private static Buffer packets(int count) {
    Buffer frame = Buffer.buffer();
    for (int i = 0; i < count; i++) {
      PacketCodec.encode(20f, Instant.now().getEpochSecond() - i, 50f, 1000f, frame);
    }
    return frame;
  }

  /** Verifies that an empty binary frame closes the connection with 1007 and a reason that says so. */
  @Test
  void emptyBinaryFrameCloses1007() {
    DeviceClient device = bad("bad-empty");
    device.sendBinary(Buffer.buffer());
    DeviceClient.Closed closed = device.awaitClose(WAIT);
    assertEquals(1007, closed.code());
    assertTrue(closed.reason().contains("empty binary frame"), closed.reason());
    goodKeepsStreaming();
    assertNothingStored("bad-empty");
  }

  /** Verifies that a frame of 17 bytes closes with 1007 and that not even its first whole packet is stored. */
  @Test
  void frameNotAMultipleOf16Closes1007AndStoresNothingOfIt() {
    DeviceClient device = bad("bad-length");
    device.sendBinary(packets(1).appendByte((byte) 0));
    DeviceClient.Closed closed = device.awaitClose(WAIT);
    assertEquals(1007, closed.code());
    assertEquals("binary frame length 17 is not a multiple of 16", closed.reason());
    goodKeepsStreaming();
    assertNothingStored("bad-length");
  }

  /** Verifies that a frame over the 64 KiB limit closes with 1009 and nothing of it is stored. */
  @Test
  void frameOverTheLimitCloses1009() {
    DeviceClient device = bad("bad-large");
    device.sendBinary(packets(4097)); // 65,552 bytes: whole packets, but one packet too many
    assertEquals(1009, device.awaitClose(WAIT).code());
    goodKeepsStreaming();
    assertNothingStored("bad-large");
  }

  /** Verifies that a frame of exactly 64 KiB is accepted. */
  @Test
  void frameOfExactlyTheLimitIsAccepted() {
    DeviceClient device = bad("big-but-fine");
    device.sendBinary(packets(4096));
    device.awaitAck(4096, WAIT);
    assertEquals(4096, api.readings("big-but-fine", now - 5000, now + 10).size());
  }

  /** Verifies that a text frame from a device closes with 1003. */
  @Test
  void textFrameCloses1003() {
    DeviceClient device = bad("bad-text");
    device.sendText("{\"temperature\":21.5}");
    DeviceClient.Closed closed = device.awaitClose(WAIT);
    assertEquals(1003, closed.code());
    goodKeepsStreaming();
    assertNothingStored("bad-text");
  }

  /** Verifies that invalid readings are not stored, still count in the ack, are counted per reason, and leave the connection open. */
  @Test
  void invalidReadingsAreRejectedButAcknowledged() {
    DeviceClient device = bad("bad-values");
    device.sendPackets(
        Float.NaN, now - 1, 50f, 1000f,                 // not finite
        20f, now - 2, Float.POSITIVE_INFINITY, 1000f,   // not finite
        20f, now - 3, 50f, Float.NEGATIVE_INFINITY,     // not finite
        -100.5f, now - 4, 50f, 1000f,                   // temperature below -100
        20f, now - 5, 100.5f, 1000f,                    // humidity above 100
        20f, now - 6, 50f, 299f,                        // pressure below 300
        20f, now + 600, 50f, 1000f,                     // 10 minutes in the future
        21.25f, now - 7, 45.5f, 1001.75f);              // the one valid reading
    device.awaitAck(8, WAIT);
    goodKeepsStreaming();

    JsonArray stored = api.readings("bad-values", now - 100, now + 1000);
    assertEquals(1, stored.size(), stored.encode());
    assertEquals(21.25, stored.getJsonObject(0).getDouble("temperature"));
    String metrics = api.get("/metrics").body();
    assertTrue(metrics.contains("hub_readings_rejected_total{reason=\"not_finite\"} 3.0"), metrics);
    assertTrue(metrics.contains("hub_readings_rejected_total{reason=\"out_of_range\"} 3.0"));
    assertTrue(metrics.contains("hub_readings_rejected_total{reason=\"future_timestamp\"} 1.0"));
    assertTrue(!device.isClosed(), "invalid values do not close the connection");
  }

  /** Verifies that a second connection for the same device closes the first with 4000 "replaced" and takes over. */
  @Test
  void secondConnectionReplacesTheFirstWith4000() {
    DeviceClient first = bad("twice");
    DeviceClient second = bad("twice");
    DeviceClient.Closed closed = first.awaitClose(WAIT);
    assertEquals(4000, closed.code());
    assertEquals("replaced", closed.reason());
    second.sendPackets(20f, now, 50f, 1000f);
    second.awaitAck(1, WAIT);
    assertEquals("online", api.device("twice").getString("state"));
    goodKeepsStreaming();
  }

  /** Verifies that ids breaking the rule get HTTP 400 before the credentials are even looked at. */
  @Test
  void badDeviceIdsAreRefusedWith400() {
    String tooLong = "d".repeat(65);
    for (String path : new String[] {"/ws/devices/" + tooLong, "/ws/devices/bad%20id", "/ws/devices/a/b",
        "/ws/devices/", "/ws/devices/caf%C3%A9", "/ws/devices/semi;colon"}) {
      assertEquals(400, DeviceClient.refusedStatus(client, hub.port(), path, TestHub.token("x"), false), path);
    }
    assertEquals(400, DeviceClient.refusedStatus(client, hub.port(), "/ws/devices/" + tooLong, null, false),
        "the id is checked before the credentials");
    assertEquals(200, api.get("/api/devices").status());
    assertEquals(1, api.get("/api/devices").json().getJsonArray("devices").size(), "only the good device is known");
  }

  /** Verifies that the longest valid id (64 characters of every allowed kind) is accepted. */
  @Test
  void longestValidIdIsAccepted() {
    String id = ("Az09._-" + "x".repeat(64)).substring(0, 64);
    DeviceClient device = bad(id);
    device.sendPackets(20f, now, 50f, 1000f);
    device.awaitAck(1, WAIT);
  }

  /** Verifies each credential failure: no token, another device's token, a bad signature, an expired token. */
  @Test
  void credentialFailuresAreRefusedWith401() {
    String uri = "/ws/devices/dev-9";
    assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), uri, null, false), "no token");
    assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), uri, TestHub.token("dev-8"), false), "other device");
    assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), uri, TestHub.token("dev-8"), true), "other device, query");
    String forged = Tokens.signedWith("another-secret-another-secret-0123456", "dev-9", null);
    assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), uri, forged, false), "bad signature");
    assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), uri, Tokens.expired("dev-9"), false), "expired");
    assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), uri, "not-a-jwt", false), "garbage");
    goodKeepsStreaming();
    assertNothingStored("dev-9");
    assertEquals(404, api.get("/api/devices/dev-9").status(), "a refused device does not become known");
    assertTrue(api.get("/metrics").body().contains("hub_device_auth_refused_total 6.0"));
  }

  /** Verifies that a token in the query string works for clients that cannot set headers, and a token with an expiry still in the future too. */
  @Test
  void tokenInQueryAndUnexpiredTokenAreAccepted() {
    String token = Tokens.device("dev-q", Duration.ofHours(1));
    DeviceClient device = DeviceClient.connect(client, hub.port(), "dev-q?token=" + token, null)
        .await();
    device.sendPackets(20f, now, 50f, 1000f);
    device.awaitAck(1, WAIT);
    assertEquals(1, api.readings("dev-q", now - 1, now).size());
  }
}
