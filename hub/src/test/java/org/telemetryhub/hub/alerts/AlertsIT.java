package org.telemetryhub.hub.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AlertsIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;

  /** Verifies that a rule fires after its duration, keeps firing between the thresholds, resolves below the lower one, and is listed meanwhile. */
  @Test
  void alertsFireAndResolveWithHysteresis(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withAlertRules(
        TestHub.rules("overheat: temperature > 30 for 10s resolve < 29 devices hot-*", "dry: humidity < 20")))) {
      SubscriberClient subscriber = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "alerts/#");
      subscriber.subscribe(1, "alerts/#");
      HubApi api = hub.api();
      long t0 = Instant.now().getEpochSecond() - 60;
      DeviceClient hot = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "hot-1");
      DeviceClient cold = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "cold-1");

      cold.sendPackets(45f, t0, 50f, 1000f, 45f, t0 + 20, 50f, 1000f);   // hot, but the rule is for hot-* only
      hot.sendPackets(31f, t0, 50f, 1000f, 32f, t0 + 5, 50f, 1000f);     // above, not yet for 10 s
      hot.awaitAck(2, WAIT);
      cold.awaitAck(2, WAIT);
      assertEquals(new JsonArray(), api.get("/api/alerts").json().getJsonArray("alerts"));

      hot.sendPackets(31.5f, t0 + 10, 50f, 1000f);                        // 10 s above: fires
      subscriber.await("firing", m -> "firing".equals(m.getJsonObject("payload", new JsonObject()).getString("state")));
      JsonArray firing = api.get("/api/alerts").json().getJsonArray("alerts");
      assertEquals(1, firing.size());
      assertEquals("hot-1", firing.getJsonObject(0).getString("device"));

      hot.sendPackets(29.5f, t0 + 11, 50f, 1000f, 28.9f, t0 + 12, 50f, 1000f);   // hysteresis, then resolved
      subscriber.await("resolved", m -> "resolved".equals(m.getJsonObject("payload", new JsonObject()).getString("state")));
      Poll.untilEquals("firing alerts", WAIT, 0, () -> api.get("/api/alerts").json().getJsonArray("alerts").size());

      List<JsonObject> events = subscriber.messagesOn("alerts/");
      assertEquals(List.of(
          new JsonObject().put("channel", "alerts/hot-1").put("payload", new JsonObject().put("device", "hot-1")
              .put("rule", "overheat").put("state", "firing").put("value", 31.5).put("ts", t0 + 10)),
          new JsonObject().put("channel", "alerts/hot-1").put("payload", new JsonObject().put("device", "hot-1")
              .put("rule", "overheat").put("state", "resolved").put("value", 28.9).put("ts", t0 + 12))),
          events);
    }
  }
}
