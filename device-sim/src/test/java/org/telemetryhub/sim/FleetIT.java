package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.TestHub;

/** The packaged simulator against a real hub: 200 devices, about 20 s, connections dropped at random. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetIT {

  private static final int DEVICES = 200;
  private static final long SEED = 7;

  @TempDir
  Path dataDir;

  /** Verifies that a fleet that cannot get in says why (the hub's 401 reason, a refused connection) and counts its attempts. */
  @Test
  void aFleetThatCannotConnectSaysWhy() throws Exception {
    try (TestHub hub = TestHub.start(dataDir.resolve("hub"))) {
      String wrongSecret = runBriefly(hub.url(), "--token-secret", "not-the-hubs-secret-not-the-hubs-secret-00");
      assertTrue(wrongSecret.matches("(?s).*connected=0/2 .* failed_connects=\\d+ "
          + "last_failure=\"HTTP 401: invalid token: its signature does not match a key of this hub\".*"), wrongSecret);
      assertTrue(!wrongSecret.contains("Connection evicted"), wrongSecret);
    }
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String noHub = runBriefly("ws://127.0.0.1:" + closedPort, "--no-auth");
    assertTrue(noHub.contains("last_failure=\"connection refused by 127.0.0.1:" + closedPort + " (is a hub listening there?)\""), noHub);
  }

  /** Verifies that a token secret too short to sign is a bad option: one line saying so, exit 2, no stack trace. */
  @Test
  void aShortTokenSecretIsABadOption() throws Exception {
    Process sim = new ProcessBuilder(java(), "-jar", Path.of("target", "device-sim.jar").toString(), "--url", "ws://127.0.0.1:1",
        "--token-secret", "too-short").redirectErrorStream(true).start();
    String printed = new String(sim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(sim.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, sim.exitValue(), printed);
    assertTrue(printed.contains("token-secret must be at least 32 characters long"), printed);
    assertTrue(!printed.contains("Exception") && !printed.contains("\tat "), printed);
  }

  /**
   * Verifies that two fleets with the same ids, which take each other's connections over and over
   * (the hub closes the older with 4000), go on without an error: a device no longer writes to a
   * socket the hub has closed ("WebSocket is closed", over a thousand stack traces in 30 s before).
   */
  @Test
  void twoFleetsWithTheSameIdsRaiseNoErrors() throws Exception {
    try (TestHub hub = TestHub.start(dataDir.resolve("hub"))) {
      List<Process> fleets = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        fleets.add(new ProcessBuilder(java(), "-jar", Path.of("target", "device-sim.jar").toString(), "--url", hub.url(),
            "--token-secret", TestHub.SECRET, "--devices", "50", "--duration", "8s", "--drain", "1s", "--batch", "4",
            "--backoff-initial", "100ms", "--backoff-max", "200ms").redirectErrorStream(true).start());
      }
      for (Process fleet : fleets) {
        String printed = new String(fleet.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(fleet.waitFor(60, TimeUnit.SECONDS));
        java.util.regex.Matcher reconnects = java.util.regex.Pattern.compile("reconnects=(\\d+)").matcher(printed);
        long most = 0;
        while (reconnects.find()) {
          most = Math.max(most, Long.parseLong(reconnects.group(1)));
        }
        assertTrue(most > 0, "the fleets did take each other's connections: " + printed);
        assertTrue(!printed.contains("WebSocket is closed") && !printed.contains("Exception"), printed);
      }
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Two devices for 3 s against {@code url}; what device-sim printed. */
  private static String runBriefly(String url, String... auth) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("target", "device-sim.jar").toString(), "--url", url, "--devices", "2", "--duration", "3s",
        "--drain", "1s", "--progress-every", "1s", "--backoff-initial", "200ms", "--backoff-max", "400ms"));
    command.addAll(List.of(auth));
    Process sim = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(sim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(sim.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, sim.exitValue(), "readings missing: " + printed);
    return printed;
  }

  /** Verifies that with random connection drops the fleet exits 0 and the hub holds exactly the generated readings, value for value. */
  @Test
  void twoHundredDevicesWithRandomDropsLoseNothing() throws Exception {
    Path summaryFile = dataDir.resolve("summary.json");
    try (TestHub hub = TestHub.start(dataDir.resolve("hub"))) {
      Path jar = Path.of("target", "device-sim.jar");
      assertTrue(Files.exists(jar), jar.toAbsolutePath() + " is missing: run 'mvn verify', which packages it first");
      Process sim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString(), "--url", hub.url(), "--token-secret", TestHub.SECRET,
          "--devices", String.valueOf(DEVICES), "--duration", "20s", "--drain", "30s", "--seed", String.valueOf(SEED),
          "--chaos-drop-every", "250ms", "--backoff-initial", "200ms", "--backoff-max", "2s",
          "--ramp-up", "2s", "--progress-every", "5s", "--json", summaryFile.toString())
          .redirectErrorStream(true).start();
      List<String> output = new ArrayList<>();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8))) {
        lines.lines().forEach(output::add);
      }
      assertTrue(sim.waitFor(120, TimeUnit.SECONDS));
      String printed = String.join("\n", output);
      assertEquals(0, sim.exitValue(), printed);
      assertTrue(printed.contains("OK: every generated reading was acknowledged"), printed);
      // Every 5 s; the printed t is rounded elapsed time, so "t=5s" or "t=6s" on a busy machine.
      assertTrue(output.stream().filter(line -> line.matches("t=\\d+s connected=.*")).count() >= 3, "progress lines: " + printed);

      JsonObject summary = new JsonObject(Files.readString(summaryFile));
      assertEquals(0, summary.getLong("missing"));
      assertEquals(0, summary.getLong("lost"));
      assertTrue(summary.getLong("reconnects") >= 40, "connections really were dropped: " + summary.encode());
      long generated = summary.getLong("generated");
      assertTrue(generated >= DEVICES * 15, "about 20 readings per device: " + generated);

      long stored = 0;
      for (int number = 1; number <= DEVICES; number++) {
        String id = String.format("dev-%04d", number);
        JsonArray readings = hub.api().readings(id, 0, 4294967295L);
        stored += readings.size();
        if (number % 20 == 1) {
          assertSameValuesAsTheModel(number, readings);
        }
      }
      assertEquals(generated, stored, "the hub holds exactly what the fleet generated");
    }
  }

  /** Replays the device's seeded sensor model over the stored timestamps: every value must match. */
  private static void assertSameValuesAsTheModel(int number, JsonArray readings) {
    SensorModel model = new SensorModel(SEED, number, Faults.NONE);
    List<Long> timestamps = readings.stream().map(r -> ((JsonObject) r).getLong("ts")).collect(Collectors.toList());
    for (int i = 0; i < readings.size(); i++) {
      JsonObject stored = readings.getJsonObject(i);
      SensorModel.Values expected = model.next(timestamps.get(i));
      assertEquals(expected.temperature(), stored.getNumber("temperature").floatValue(), "device " + number + " reading " + i);
      assertEquals(expected.humidity(), stored.getNumber("humidity").floatValue());
      assertEquals(expected.pressure(), stored.getNumber("pressure").floatValue());
    }
  }
}
