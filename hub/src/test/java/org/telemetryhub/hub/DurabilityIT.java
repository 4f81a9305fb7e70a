package org.telemetryhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.Poll;

/** An ack is a promise: what was acked before a stop, graceful or kill -9, is there after a restart, on either embedded store. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class DurabilityIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int FRAMES = 400;
  private static final int PER_FRAME = 10;

  @TempDir
  Path dataDir;
  private final long firstTs = Instant.now().getEpochSecond() - 100_000;

  private static float temperature(int i) {
    return (i % 1000) * 0.1f - 20f;
  }

  /** Sends FRAMES frames of PER_FRAME readings as fast as the socket takes them. */
  private void sendAll(DeviceClient device) {
    for (int f = 0; f < FRAMES; f++) {
      Buffer frame = Buffer.buffer(PER_FRAME * PacketCodec.PACKET_SIZE);
      for (int k = 0; k < PER_FRAME; k++) {
        int i = f * PER_FRAME + k;
        PacketCodec.encode(temperature(i), firstTs + i, 50f, 1000f, frame);
      }
      device.sendBinary(frame);
    }
  }

  /** Every reading the ack covered is stored, with its value; the acked ones come first (order of sending). */
  private void assertAckedReadingsStored(HubApi api, long acked) {
    JsonArray stored = api.readings("dur-1", firstTs, firstTs + acked - 1);
    assertEquals(acked, stored.size(), "acked readings present after restart");
    for (int i = 0; i < acked; i++) {
      assertEquals(firstTs + i, stored.getJsonObject(i).getLong("ts"));
      assertEquals(temperature(i), stored.getJsonObject(i).getNumber("temperature").floatValue());
    }
  }

  /** Verifies that SIGTERM stores what was received, sends the final acks, closes with 1001, and loses nothing acked. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "rocksdb"})
  void gracefulStopSendsFinalAcksAndKeepsEverythingAcked(String store, Vertx vertx) throws Exception {
    WebSocketClient client = DeviceClient.client(vertx);
    long acked;
    try (HubProcess hub = HubProcess.serve(dataDir, "--store", store)) {
      DeviceClient device = DeviceClient.open(client, hub.port(), "dur-1");
      sendAll(device);
      Poll.until("some acks", WAIT, () -> device.lastAck() > 0);
      hub.terminate();
      DeviceClient.Closed closed = device.awaitClose(WAIT);
      assertEquals(1001, closed.code(), "closed as 'going away'");
      acked = device.lastAck();
      assertEquals(143, hub.awaitExit(WAIT), "the exit status of a process that stopped on SIGTERM");
      assertTrue(hub.output().contains("INFO  Hub        stopped"), hub.output());
    }
    try (HubProcess restarted = HubProcess.serve(dataDir, "--store", store)) {
      HubApi api = new HubApi(restarted.port());
      assertAckedReadingsStored(api, acked);
      assertEquals(acked, api.readings("dur-1", firstTs, firstTs + FRAMES * PER_FRAME).size(),
          "everything stored was acknowledged before the close: the final acks went out");
    }
  }

  /** Verifies that readings acked before a kill -9 of the hub process are all there after a restart. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "rocksdb"})
  void killMinus9LosesNothingAcked(String store, Vertx vertx) throws Exception {
    WebSocketClient client = DeviceClient.client(vertx);
    long acked;
    try (HubProcess hub = HubProcess.serve(dataDir, "--store", store)) {
      DeviceClient device = DeviceClient.open(client, hub.port(), "dur-1");
      sendAll(device);
      Poll.until("acks under way", WAIT, () -> device.lastAck() >= PER_FRAME * 20);
      hub.kill();
      acked = device.lastAck(); // taken after the kill: nothing later can have been acked
      assertEquals(1006, device.awaitClose(WAIT).code(), "a killed hub closes nothing cleanly");
      hub.awaitExit(WAIT);
    }
    try (HubProcess restarted = HubProcess.serve(dataDir, "--store", store)) {
      assertAckedReadingsStored(new HubApi(restarted.port()), acked);
    }
  }

  /** A hub restarted on RocksDB over the data directory of a SQLite one still has every acked reading and knows the device. */
  @Test
  void aHubMovedFromSqliteToRocksDbKeepsItsHistory(Vertx vertx) throws Exception {
    WebSocketClient client = DeviceClient.client(vertx);
    long acked;
    try (HubProcess hub = HubProcess.serve(dataDir, "--store", "sqlite")) {
      DeviceClient device = DeviceClient.open(client, hub.port(), "dur-1");
      sendAll(device);
      Poll.until("every reading acked", WAIT, () -> device.lastAck() == FRAMES * PER_FRAME);
      acked = device.lastAck();
      hub.terminate();
      hub.awaitExit(WAIT);
    }
    try (HubProcess restarted = HubProcess.serve(dataDir, "--store", "rocksdb")) {
      HubApi api = new HubApi(restarted.port());
      assertAckedReadingsStored(api, acked);
      assertEquals(firstTs + acked - 1, api.device("dur-1").getJsonObject("lastReading").getLong("ts"),
          "the device is known with its newest reading");
      assertTrue(restarted.output().contains("copied " + acked + " readings from the SQLite store into RocksDB"), restarted.output());
    }
    try (HubProcess again = HubProcess.serve(dataDir, "--store", "rocksdb")) {
      assertAckedReadingsStored(new HubApi(again.port()), acked);
      assertFalse(again.output().contains("copied"), "copied once: " + again.output());
    }
  }
}
