package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;
import picocli.CommandLine;

/** The fleet's watchdog and the hub's heartbeat, each seen from the other side. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LivenessChaosIT {

  @TempDir
  Path dataDir;

  private static FleetSettings fleetSettings(String url, String... args) {
    FleetSettings settings = new FleetSettings();
    List<String> all = new ArrayList<>(List.of("--url", url, "--token-secret", TestHub.SECRET,
        "--backoff-initial", "100ms", "--backoff-max", "500ms", "--ramp-up", "100ms", "--drain", "20s"));
    all.addAll(List.of(args));
    new CommandLine(settings).setOverwrittenOptionsAllowed(true).parseArgs(all.toArray(String[]::new));
    return settings;
  }

  /** Runs the fleet until {@code whileRunning} (which waits for what the test looks for) returns, then lets it finish. */
  private static JsonObject runFleet(FleetSettings settings, Consumer<Fleet> whileRunning) {
    Fleet fleet = Fleet.start(settings, vertx -> TokenSource.fromSecret(vertx, TestHub.SECRET), ReadingListener.NONE,
        (PrintStream) null);
    whileRunning.accept(fleet);
    JsonObject summary = fleet.finish().await();
    fleet.close();
    return summary;
  }

  /** Verifies that when the hub stops pinging, devices notice within the watchdog time, reconnect, and lose nothing. */
  @Test
  void devicesReconnectWhenTheHubStopsPinging() throws Exception {
    // A hub that (for this test) practically never pings.
    try (TestHub hub = TestHub.start(dataDir, o -> o.withLiveness(o.liveness().withHeartbeat(Duration.ofHours(1), Duration.ofHours(2))))) {
      FleetSettings settings = fleetSettings(hub.url(), "--devices", "5", "--watchdog", "1s");
      JsonObject summary = runFleet(settings, fleet -> Poll.until("every device reset its link and is back",
          Duration.ofSeconds(20), () -> fleet.stats().watchdogResets.sum() >= 5
              && hub.api().metric("hub_device_connections_opened_total") >= 10));
      assertTrue(summary.getLong("watchdogResets") >= 5, "each device reset its link at least once: " + summary.encode());
      assertTrue(summary.getLong("reconnects") >= 5, summary.encode());
      assertEquals(0, summary.getLong("missing"), summary.encode());
      assertTrue(hub.api().metric("hub_device_connections_opened_total") >= 10, "5 connections, then a reconnect each at least");
    }
  }

  /** Verifies that devices that stop answering pings are marked offline by the hub, then online again after they reconnect. */
  @Test
  void deafDevicesGoOfflineThenOnlineAgain() throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withLiveness(
        o.liveness().withHeartbeat(Duration.ofMillis(200), Duration.ofMillis(600))))) {
      FleetSettings settings = fleetSettings(hub.url(), "--devices", "4",
          "--chaos-mute-every", "700ms", "--chaos-mute-for", "1500ms");
      Map<String, List<String>> seen = new HashMap<>();
      JsonObject summary = runFleet(settings, fleet -> Poll.until("a device offline on a heartbeat timeout, then back",
          Duration.ofSeconds(30), () -> {
            JsonArray devices = hub.api().get("/api/devices").json().getJsonArray("devices");
            for (int i = 0; i < devices.size(); i++) {
              JsonObject device = devices.getJsonObject(i);
              List<String> states = seen.computeIfAbsent(device.getString("device"), k -> new ArrayList<>());
              String state = device.getString("state") + ":" + device.getString("reason");
              if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
                states.add(state);
              }
            }
            return seen.values().stream().anyMatch(states -> {
              int offline = states.indexOf("offline:heartbeat timeout");
              return offline >= 0 && states.subList(offline, states.size()).contains("online:connected");
            });
          }));
      assertTrue(hub.api().get("/metrics").body().lines().anyMatch(l -> l.startsWith("hub_heartbeat_timeouts_total") && !l.endsWith(" 0.0")));
      assertEquals(0, summary.getLong("missing"), summary.encode());
    }
  }
}
