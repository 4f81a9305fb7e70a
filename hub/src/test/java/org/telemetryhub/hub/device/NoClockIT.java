package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.TestHub;

/** Devices without a clock (timestamp 0): the hub stamps their readings, and never two with the same second. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class NoClockIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;

  /** {@code count} readings without a clock in one frame, temperatures 0, 1, 2, ... so each can be told apart. */
  private static Object[] noClockPackets(int count, int firstTemperature) {
    Object[] values = new Object[count * 4];
    for (int i = 0; i < count; i++) {
      values[i * 4] = (float) (firstTemperature + i);
      values[i * 4 + 1] = 0L;
      values[i * 4 + 2] = 50f;
      values[i * 4 + 3] = 1000f;
    }
    return values;
  }

  private static Set<Double> temperatures(JsonArray readings) {
    Set<Double> seen = new TreeSet<>();
    for (int i = 0; i < readings.size(); i++) {
      seen.add(readings.getJsonObject(i).getDouble("temperature"));
    }
    return seen;
  }

  /**
   * Verifies that 15 readings without a clock in one second are all stored, at 15 distinct seconds
   * from their arrival on, and that a restarted hub stamps the next ones after them, not over them.
   */
  @Test
  void everyReadingWithoutAClockIsStoredEvenAfterARestart(Vertx vertx) throws Exception {
    long before = Instant.now().getEpochSecond();
    WebSocketClient client = DeviceClient.client(vertx);
    try (TestHub hub = TestHub.start(dataDir)) {
      DeviceClient device = DeviceClient.open(client, hub.port(), "clockless");
      device.sendPackets(noClockPackets(15, 0));
      device.awaitAck(15, WAIT);
      JsonArray stored = hub.api().readings("clockless", before - 10, before + 600);
      assertEquals(15, stored.size(), stored.encode());
      long first = stored.getJsonObject(0).getLong("ts");
      assertTrue(first >= before && first <= Instant.now().getEpochSecond(), "stamped with the arrival second: " + first);
      for (int i = 0; i < 15; i++) {
        assertEquals(first + i, stored.getJsonObject(i).getLong("ts"), "consecutive seconds");
        assertEquals(i, stored.getJsonObject(i).getDouble("temperature"), "in the order sent");
      }
    }
    // The burst was stamped up to 14 s ahead of the clock; a hub started at once must not stamp over it.
    try (TestHub hub = TestHub.start(dataDir)) {
      DeviceClient device = DeviceClient.open(client, hub.port(), "clockless");
      device.sendPackets(noClockPackets(5, 100));
      device.awaitAck(5, WAIT);
      JsonArray stored = hub.api().readings("clockless", before - 10, before + 600);
      assertEquals(20, stored.size(), stored.encode());
      assertEquals(20, temperatures(stored).size(), "no reading replaced another");
    }
  }

  /** Verifies that a burst too large to stamp within the clock-skew allowance is refused beyond it, counted, and acked. */
  @Test
  void aBurstBeyondTheAllowanceIsRefusedAndCounted(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withDevices(o.devices().withMaxClockSkew(Duration.ofSeconds(5))))) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "chatty");
      device.sendPackets(noClockPackets(20, 0));
      device.awaitAck(20, WAIT);
      long now = Instant.now().getEpochSecond();
      int stored = hub.api().readings("chatty", now - 60, now + 60).size();
      assertTrue(stored >= 6 && stored <= 8, "at most 6 seconds (now to now + 5) within a second or two: " + stored);
      assertEquals(20 - stored, (int) hub.api().metric("hub_readings_rejected_total{reason=\"no_clock_too_fast\"}"));
    }
  }
}
