package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.Poll;

/**
 * docker-compose.yml without a Docker engine: Debian's docker-compose validates it, and its
 * services run natively (influxd, the hub jar, the device-sim jar) with the environment and
 * arguments the file gives them. Only what a container network provides is rewritten: service
 * host names and ports become loopback ports, volumes become a temporary directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ComposeIT {

  private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml");

  @TempDir
  Path dir;

  @Test
  void theComposeFileIsValid() throws Exception {
    Process config = new ProcessBuilder(dockerCompose(), "-f", COMPOSE_FILE.toString(), "config", "-q")
        .redirectErrorStream(true).start();
    String output = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(config.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, config.exitValue(), "docker-compose config -q: " + output);
  }

  /**
   * Verifies what makes the stack start on the first try and safe by default: one service builds
   * the image, the others never pull it, every long-running service restarts, the hubs get longer
   * to stop than their own shutdown takes, and only the hub is published on every interface.
   */
  @Test
  void oneImageBuiltOnceRestartsAndOnlyTheHubPublishedEverywhere() throws Exception {
    // As docker-compose resolves it (merge keys of the cluster's hubs applied), every profile on.
    Process config = new ProcessBuilder(dockerCompose(), "-f", COMPOSE_FILE.toString(), "--profile", "cluster", "config")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(config.getInputStream()).get("services");
    assertTrue(config.waitFor(60, TimeUnit.SECONDS));
    JsonNode written = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE_FILE.toFile()).get("services");
    List<String> builders = new ArrayList<>();
    services.fields().forEachRemaining(service -> {
      String name = service.getKey();
      JsonNode spec = service.getValue();
      if (spec.has("build")) {
        builders.add(name);
      } else if ("telemetry-hub:local".equals(spec.path("image").asText())) {
        assertEquals("never", spec.path("pull_policy").asText(), name + " runs the image the hub service builds");
      }
      assertTrue(spec.has("restart"), name + " has a restart policy");
      assertFalse(spec.path("image").asText().endsWith(":latest") || !spec.path("image").asText().contains(":"),
          name + ": a pinned image, not " + spec.path("image").asText());
      if ("telemetry-hub:local".equals(spec.path("image").asText())) {
        assertTrue(seconds(spec.path("stop_grace_period").asText("10s")) > 10, name + ": longer to stop than the hub's 10 s shutdown");
      }
      for (JsonNode port : written.path(name).path("ports")) {
        String published = port.asText();
        boolean hubPort = name.equals("hub") || name.equals("haproxy");
        assertTrue(hubPort || published.startsWith("${") && published.contains(":-127.0.0.1}"),
            name + " publishes " + published + " on every interface");
      }
    });
    assertEquals(List.of("hub"), builders, "exactly one service builds the image");
  }

  private static long seconds(String duration) {
    return Long.parseLong(duration.replace("s", ""));
  }

  @Test
  void itsServicesRunNativelyAndReadingsReachInfluxDb() throws Exception {
    JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE_FILE.toFile()).get("services");
    String database = services.get("hub").get("environment").get("HUB_INFLUX_DATABASE").asText();
    Path data = Files.createDirectories(dir.resolve("hub-data")); // the hub-data volume, shared as in the file

    try (InfluxServer influx = InfluxServer.start(dir.resolve("influx"))) {
      Map<String, String> hubEnvironment = new HashMap<>();
      services.get("hub").get("environment").fields().forEachRemaining(e -> hubEnvironment.put(e.getKey(), e.getValue().asText()));
      assertEquals("influx", hubEnvironment.get("HUB_STORE"));
      hubEnvironment.replaceAll((name, value) -> value
          .replace("http://influxdb:8086", influx.url())
          .replace("/data", data.toString()));
      hubEnvironment.put("HUB_PORT", "0"); // the container's 8080, on a free port here
      hubEnvironment.put("HUB_HOST", "127.0.0.1");
      List<String> hubArgs = new ArrayList<>();
      services.get("hub").get("command").forEach(arg -> hubArgs.add(arg.asText()));
      HubProcess hub = HubProcess.run(Path.of("..", "hub", "target", "hub.jar"), hubEnvironment, hubArgs);
      Process sim = null;
      try {
        int port = hub.port();
        List<String> simCommand = new ArrayList<>(List.of(java(), "-jar", Path.of("target", "device-sim.jar").toString()));
        services.get("device-sim").get("command").forEach(arg -> simCommand.add(arg.asText()
            .replace("ws://hub:8080", "ws://127.0.0.1:" + port)
            .replace("/data", data.toString())));
        sim = new ProcessBuilder(simCommand).redirectErrorStream(true).redirectOutput(dir.resolve("device-sim.log").toFile()).start();

        try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
          Poll.until("readings of 100 devices in InfluxDB database '" + database + "'", Duration.ofSeconds(60),
              () -> devicesWithReadings(client, database) == 100);
        }
      } finally {
        if (sim != null) {
          sim.toHandle().destroy();
          sim.waitFor(30, TimeUnit.SECONDS);
        }
        hub.terminate();
        hub.awaitExit(Duration.ofSeconds(30));
      }
      assertTrue(Files.readString(dir.resolve("device-sim.log")).contains("summary:"), "the fleet stopped cleanly");
    }
  }

  private static int devicesWithReadings(InfluxDB client, String database) {
    QueryResult result = client.query(new Query("SELECT count(temperature) FROM readings GROUP BY device", database));
    if (result.hasError() || result.getResults().get(0).hasError() || result.getResults().get(0).getSeries() == null) {
      return 0;
    }
    return result.getResults().get(0).getSeries().size();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String dockerCompose() {
    for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, "docker-compose"))) {
        return Path.of(directory, "docker-compose").toString();
      }
    }
    throw new AssertionError("docker-compose not found on PATH: install Debian's docker-compose "
        + "(apt-get install -y docker-compose); .ci/run does this before running the tests");
  }
}
