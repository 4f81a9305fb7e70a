package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.TestHub;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DeviceIngestIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int[] FRAME_SIZES = {1, 7, 16, 100, 3, 64, 2, 37};

  @TempDir
  Path dataDir;
  private TestHub hub;
  private WebSocketClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir);
    client = DeviceClient.client(vertx);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  /** Verifies that 1,000 readings in frames of mixed sizes are acked, stored with the float32 values sent, and stored once when sent twice. */
  @Test
  void thousandReadingsAreAckedStoredExactlyAndResendingKeepsOneEach() {
    long firstTs = Instant.now().getEpochSecond() - 2_000;
    float[][] sent = new float[1000][];
    for (int i = 0; i < sent.length; i++) {
      // Values with no exact decimal form: they must come back as the same float32.
      sent[i] = new float[] {-20f + i * 0.137f, (i % 100) * 0.97f + 0.01f, 950f + i * 0.1f};
    }
    List<Buffer> frames = frames(sent, firstTs);

    DeviceClient device = DeviceClient.open(client, hub.port(), "dev-1");
    frames.forEach(device::sendBinary);
    device.awaitAck(1000, WAIT);

    JsonArray stored = hub.api().readings("dev-1", firstTs, firstTs + 999);
    assertEquals(1000, stored.size());
    for (int i = 0; i < sent.length; i++) {
      JsonObject reading = stored.getJsonObject(i);
      assertEquals(firstTs + i, reading.getLong("ts"));
      assertEquals(sent[i][0], reading.getNumber("temperature").floatValue(), "temperature of reading " + i);
      assertEquals(sent[i][1], reading.getNumber("humidity").floatValue(), "humidity of reading " + i);
      assertEquals(sent[i][2], reading.getNumber("pressure").floatValue(), "pressure of reading " + i);
    }

    frames.forEach(device::sendBinary);
    device.awaitAck(2000, WAIT);
    assertEquals(1000, hub.api().readings("dev-1", firstTs, firstTs + 999).size());
  }

  /** Verifies that the device appears in the API with its state, connection and last reading. */
  @Test
  void theApiShowsTheDeviceOnlineWithItsLastReading() {
    long ts = Instant.now().getEpochSecond();
    DeviceClient device = DeviceClient.open(client, hub.port(), "dev-api");
    device.sendPackets(21.5f, ts, 40.25f, 1013.5f);
    device.awaitAck(1, WAIT);

    JsonObject view = hub.api().device("dev-api");
    assertEquals("online", view.getString("state"));
    assertEquals(21.5, view.getJsonObject("lastReading").getDouble("temperature"));
    assertEquals(ts, view.getJsonObject("lastReading").getLong("ts"));
    assertEquals("127.0.0.1", view.getJsonObject("connection").getString("remoteAddress").split(":")[0]);
    JsonArray all = hub.api().get("/api/devices").json().getJsonArray("devices");
    assertEquals("dev-api", all.getJsonObject(0).getString("device"));
  }

  /** Verifies that after a restart the devices of the store are listed, offline, with their last reading. */
  @Test
  void afterARestartStoredDevicesAreListedOfflineWithTheirLastReading() throws Exception {
    long ts = Instant.now().getEpochSecond() - 60;
    DeviceClient device = DeviceClient.open(client, hub.port(), "dev-kept");
    device.sendPackets(20f, ts - 1, 40f, 1010f, 21.5f, ts, 41f, 1011f);
    device.awaitAck(2, WAIT);
    hub.close();

    hub = TestHub.start(dataDir);
    JsonObject view = hub.api().device("dev-kept");
    assertEquals("offline", view.getString("state"));
    assertEquals(ts * 1000, view.getLong("lastSeen"), "last seen: the time of its newest stored reading");
    assertEquals(21.5, view.getJsonObject("lastReading").getDouble("temperature"));
    assertEquals(ts, view.getJsonObject("lastReading").getLong("ts"));
    JsonArray all = hub.api().get("/api/devices").json().getJsonArray("devices");
    assertEquals(1, all.size());
    assertEquals("dev-kept", all.getJsonObject(0).getString("device"));

    DeviceClient again = DeviceClient.open(client, hub.port(), "dev-kept");
    again.sendPackets(22f, ts + 1, 42f, 1012f);
    again.awaitAck(1, WAIT);
    assertEquals("online", hub.api().device("dev-kept").getString("state"));
  }

  private static List<Buffer> frames(float[][] values, long firstTs) {
    List<Buffer> frames = new ArrayList<>();
    int i = 0;
    for (int f = 0; i < values.length; f++) {
      int size = Math.min(FRAME_SIZES[f % FRAME_SIZES.length], values.length - i);
      Buffer frame = Buffer.buffer(size * PacketCodec.PACKET_SIZE);
      for (int k = 0; k < size; k++, i++) {
        PacketCodec.encode(values[i][0], firstTs + i, values[i][1], values[i][2], frame);
      }
      frames.add(frame);
    }
    return frames;
  }
}
