package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
