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

  /** Verifies that readings older than the retention period are deleted periodically and newer ones kept. */
  @Test
  void readingsOlderThanTheRetentionPeriodGo(Vertx vertx) throws Exception {
    long now = Instant.now().getEpochSecond();
    long threeDaysAgo = now - 3 * 86_400;
    try (TestHub hub = TestHub.start(dataDir, "--retention-days=2", "--retention-check-interval=200ms")) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "old-1");
      device.sendPackets(
          20f, threeDaysAgo, 50f, 1000f,
          21f, threeDaysAgo + 1, 50f, 1000f,
          22f, now - 86_400, 50f, 1000f,
          23f, now, 50f, 1000f);
      device.awaitAck(4, Duration.ofSeconds(10));
      HubApi api = hub.api();
      Poll.untilEquals("readings left", Duration.ofSeconds(10), 2, () -> api.readings("old-1", 0, now).size());
      assertEquals(22.0, api.readings("old-1", 0, now).getJsonObject(0).getDouble("temperature"));
    }
  }
}
