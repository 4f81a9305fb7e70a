package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RetentionIT {

  @TempDir
  Path dataDir;

  /**
   * Verifies that readings that grow older than the retention period are deleted periodically and
   * newer ones kept: stored under a retention of 5 days, then swept by a hub keeping 2.
   */
  @Test
  void readingsOlderThanTheRetentionPeriodGo(Vertx vertx) throws Exception {
    long now = Instant.now().getEpochSecond();
    long threeDaysAgo = now - 3 * 86_400;
    try (TestHub hub = TestHub.start(dataDir, o -> o.withStore(o.store().withRetention(5, o.store().retentionCheckInterval())))) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "old-1");
      device.sendPackets(
          20f, threeDaysAgo, 50f, 1000f,
          21f, threeDaysAgo + 1, 50f, 1000f,
          22f, now - 86_400, 50f, 1000f,
          23f, now, 50f, 1000f);
      device.awaitAck(4, Duration.ofSeconds(10));
      assertEquals(4, hub.api().readings("old-1", 0, now).size());
    }
    try (TestHub hub = TestHub.start(dataDir, o -> o.withStore(o.store().withRetention(2, Duration.ofMillis(200))))) {
      HubApi api = hub.api();
      Poll.untilEquals("readings left", Duration.ofSeconds(10), 2, () -> api.readings("old-1", 0, now).size());
      assertEquals(22.0, api.readings("old-1", 0, now).getJsonObject(0).getDouble("temperature"));
    }
  }

  /**
   * Verifies that a reading already older than the retention period is refused at ingest, counted
   * as too_old and acknowledged (resending cannot help), rather than stored and deleted at the next sweep.
   */
  @Test
  void readingsAlreadyTooOldAreRefusedAtIngest(Vertx vertx) throws Exception {
    long now = Instant.now().getEpochSecond();
    try (TestHub hub = TestHub.start(dataDir, o -> o.withStore(o.store().withRetention(2, o.store().retentionCheckInterval())))) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "old-2");
      device.sendPackets(
          20f, now - 3 * 86_400, 50f, 1000f,
          21f, now - 2 * 86_400 - 60, 50f, 1000f,
          22f, now - 86_400, 50f, 1000f);
      device.awaitAck(3, Duration.ofSeconds(10));
      assertEquals(1, hub.api().readings("old-2", 0, now).size());
      assertEquals(2.0, hub.api().metric("hub_readings_rejected_total{reason=\"too_old\"}"));
    }
  }
}
