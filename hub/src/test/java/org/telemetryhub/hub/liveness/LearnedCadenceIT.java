package org.telemetryhub.hub.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/**
 * Devices at different cadences over real sockets: each is called silent after missing a few of
 * its own intervals, not after one fleet-wide period (here 20 s, longer than the test).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LearnedCadenceIT {

  @TempDir
  Path dataDir;

  /** Verifies that a 200 ms device is silent within about a second, and a 1.5 s device only after about 4.5 s. */
  @Test
  void eachDeviceIsSilentAfterThreeOfItsOwnIntervals(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withLiveness(
        o.liveness().withSilence(Duration.ofSeconds(20), 3, Duration.ofMillis(300))))) {
      WebSocketClient client = DeviceClient.client(vertx);
      DeviceClient fast = DeviceClient.open(client, hub.port(), "every-200ms");
      DeviceClient slow = DeviceClient.open(client, hub.port(), "every-1500ms");
      long ts = Instant.now().getEpochSecond() - 100;
      for (int tick = 0; tick <= 30; tick++) { // 6 s: 31 fast packets, 5 slow ones
        fast.sendPackets(20f, ts + tick, 40f, 1000f);
        if (tick % 7 == 0) {
          slow.sendPackets(20f, ts + tick, 40f, 1000f);
        }
        Thread.sleep(200);
      }
      long stoppedAt = System.nanoTime();
      HubApi api = hub.api();
      Poll.until("every-200ms silent", Duration.ofSeconds(5), () -> "silent".equals(api.device("every-200ms").getString("state")));
      long fastSilentMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
      assertTrue(fastSilentMillis < 2_000, "3 x 200 ms, not 20 s: " + fastSilentMillis + " ms");
      assertTrue(api.device("every-200ms").getString("reason").startsWith("no readings for"), api.device("every-200ms").encode());
      assertEquals("online", api.device("every-1500ms").getString("state"), "the slow device is not silent yet");

      Poll.until("every-1500ms silent", Duration.ofSeconds(10), () -> "silent".equals(api.device("every-1500ms").getString("state")));
      long slowSilentMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
      // Its last packet went 0.6 s before the fast device's; 3 x ~1.4 s after it, give or take a sweep.
      assertTrue(slowSilentMillis > 2_500 && slowSilentMillis < 6_000, "about 3 x 1.4 s: " + slowSilentMillis + " ms");
      assertTrue(api.device("every-1500ms").getString("reason").matches(".*its interval: [12]s.*"), api.device("every-1500ms").encode());

      slow.sendPackets(21f, ts + 40, 40f, 1000f);
      Poll.until("online again", Duration.ofSeconds(5), () -> "online".equals(api.device("every-1500ms").getString("state")));
    }
  }
}
