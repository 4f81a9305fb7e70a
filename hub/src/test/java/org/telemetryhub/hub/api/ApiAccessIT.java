package org.telemetryhub.hub.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/**
 * Who may use the HTTP API: api tokens by role, subscriber tokens for the devices their grants
 * cover, nobody without a token; the health endpoints are open, /metrics is open unless
 * --metrics-auth.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ApiAccessIT {

  @TempDir
  Path dataDir;

  private final long now = Instant.now().getEpochSecond();

  /** Two devices streaming, one of them with an alert firing. */
  private static void twoDevices(WebSocketClient client, TestHub hub, long now) {
    for (String id : List.of("dev-1", "dev-2")) {
      DeviceClient device = DeviceClient.open(client, hub.port(), id);
      device.sendPackets(35f, now, 50f, 1000f);
      device.awaitAck(1, java.time.Duration.ofSeconds(10));
    }
  }

  /** Verifies the doors: 401 JSON without a token or with a bad one, 403 for a device token, 200 for api tokens; health open. */
  @Test
  void theApiNeedsAnApiToken(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir)) {
      twoDevices(DeviceClient.client(vertx), hub, now);
      HubApi api = hub.api();
      for (String path : List.of("/api/devices", "/api/devices/dev-1", "/api/devices/dev-1/readings", "/api/alerts")) {
        HubApi.Response anonymous = api.as(null).get(path);
        assertEquals(401, anonymous.status(), path);
        assertEquals("application/json", anonymous.contentType());
        assertTrue(anonymous.json().getString("error").startsWith("missing credentials"), anonymous.body());
        assertEquals(401, api.as("not-a-token").get(path).status(), path);
        HubApi.Response device = api.as(TestHub.token("dev-1")).get(path);
        assertEquals(403, device.status(), path);
        assertEquals("a device token gives no access to the HTTP API", device.json().getString("error"));
        assertEquals(200, api.as(Tokens.api("dashboard", ApiAccess.Role.READ)).get(path).status(), path);
      }
      JsonObject listed = api.as(Tokens.api("ops", ApiAccess.Role.READ)).get("/api/devices").json();
      assertTrue(listed.getJsonArray("devices").getJsonObject(0).getJsonObject("connection").containsKey("remoteAddress"),
          "api tokens see connection facts");
      for (String open : List.of("/health", "/health/live", "/health/ready", "/metrics")) {
        assertEquals(200, api.as(null).get(open).status(), open);
      }
      assertEquals("up", api.as(null).get("/health/live").json().getString("status"));
    }
  }

  /** Verifies that a subscriber token sees only the devices its grants cover, and of them only what it is granted. */
  @Test
  void aSubscriberTokenReadsWhatItsGrantsCover(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withAlertRules(TestHub.rules("hot: temperature > 30")))) {
      twoDevices(DeviceClient.client(vertx), hub, now);
      HubApi readings1 = hub.api().as(SubscriberClient.subscriberToken("readings/dev-1", "alerts/dev-1"));
      JsonArray devices = readings1.get("/api/devices").json().getJsonArray("devices");
      assertEquals(1, devices.size(), devices.encode());
      JsonObject dev1 = devices.getJsonObject(0);
      assertEquals("dev-1", dev1.getString("device"));
      assertEquals(35.0, dev1.getJsonObject("lastReading").getDouble("temperature"));
      assertFalse(dev1.getJsonObject("connection").containsKey("remoteAddress"), "no remote addresses for subscribers");
      assertEquals(200, readings1.get("/api/devices/dev-1/readings").status());
      assertEquals(403, readings1.get("/api/devices/dev-2").status());
      assertEquals(403, readings1.get("/api/devices/dev-2/readings").status());
      JsonArray alerts = readings1.get("/api/alerts").json().getJsonArray("alerts");
      assertEquals(1, alerts.size(), alerts.encode());
      assertEquals("dev-1", alerts.getJsonObject(0).getString("device"));
      assertEquals(2, hub.api().get("/api/alerts").json().getJsonArray("alerts").size(), "an admin sees both");

      HubApi status2 = hub.api().as(SubscriberClient.subscriberToken("status/dev-2"));
      JsonObject dev2 = status2.get("/api/devices/dev-2").json();
      assertEquals("online", dev2.getString("state"));
      assertNull(dev2.getValue("lastReading"), "no readings without readings/dev-2");
      assertEquals(403, status2.get("/api/devices/dev-2/readings").status());
      assertEquals(403, status2.post("/api/devices/dev-2/revoke").status(), "a subscriber changes nothing");
    }
  }

  /** Verifies --metrics-auth: /metrics then needs an api token, which Prometheus sends as a bearer token. */
  @Test
  void metricsAuthClosesMetrics() throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withAuth(o.auth().withMetricsAuth(true)))) {
      HubApi api = hub.api();
      assertEquals(401, api.as(null).get("/metrics").status());
      assertEquals(403, api.as(SubscriberClient.subscriberToken("#")).get("/metrics").status());
      HubApi.Response scrape = api.as(Tokens.api("prometheus", ApiAccess.Role.READ)).get("/metrics");
      assertEquals(200, scrape.status());
      assertTrue(scrape.body().contains("hub_readings_stored_total"));
      assertEquals(200, api.as(null).get("/health/ready").status(), "health stays open");
    }
  }

  /**
   * Verifies that a refused token gets a fixed message, never what a parser said, and that a
   * correctly signed token with a non-numeric exp is refused at once (it used to leave the
   * request unanswered) on every door.
   */
  @Test
  void refusalsNeverCarryParserInternals(Vertx vertx) throws Exception {
    Set<String> fixed = Set.of(
        "invalid token: not a well-formed signed token",
        "invalid token: its signature does not match a key of this hub",
        "invalid token: its claims are malformed",
        "invalid token: claim 'exp' must be a number of seconds");
    String badExp = Tokens.withClaims(new JsonObject().put("sub", "dev-1").put("role", "device").put("exp", "tomorrow"));
    List<String> tokens = List.of("x", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA", "x".repeat(5_000),
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZXYtMSIsInJvbGUiOiJkZXZpY2UifQ.", "e30.e30.e30", "....",
        Tokens.signedWith("another-secret-another-secret-0123456", "dev-1", null), badExp);
    try (TestHub hub = TestHub.start(dataDir)) {
      for (String token : tokens) {
        String shown = token.substring(0, Math.min(40, token.length()));
        HubApi.Response answer = hub.api().as(token).get("/api/devices");
        assertEquals(401, answer.status(), shown);
        assertTrue(fixed.contains(answer.json().getString("error")), "fixed message for '" + shown + "': " + answer.body());
      }
      WebSocketClient client = DeviceClient.client(vertx);
      assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), "/ws/devices/dev-1", badExp, false));
      assertEquals(401, DeviceClient.refusedStatus(client, hub.port(), "/ws/subscribe",
          Tokens.withClaims(new JsonObject().put("sub", "s").put("role", "subscriber").put("channels", new JsonArray().add("#"))
              .put("exp", new JsonObject())), false));
    }
  }
}
