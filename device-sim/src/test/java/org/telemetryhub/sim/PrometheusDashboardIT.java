package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;
import picocli.CommandLine;

/**
 * The Prometheus side of the compose stack, run natively: Debian's prometheus with the compose
 * file's deploy/prometheus.yml (its hub target pointed at a real hub here) scrapes a hub under a
 * simulated fleet, and every query of the Hub (Prometheus) dashboard answers, with the values a
 * user would check.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusDashboardIT {

  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path CONFIG = Path.of("..", "deploy", "prometheus.yml");
  private static final Path DASHBOARD = Path.of("..", "dashboards", "json", "hub-prometheus.json");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void everyPanelOfTheHubDashboardAnswersFromARealPrometheus() throws Exception {
    assertTrue(Files.isExecutable(PROMETHEUS), PROMETHEUS + " is missing: apt-get install -y prometheus (.ci/run does)");
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docker-compose.yml").toFile());
    assertEquals("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
        compose.get("services").get("prometheus").get("volumes").get(0).asText(), "compose runs Prometheus with this file");
    try (TestHub hub = TestHub.start(dir.resolve("hub"))) {
      int port = freePort();
      Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config(hub.port()),
          "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        String base = "http://127.0.0.1:" + port;
        Poll.until("prometheus ready", Duration.ofSeconds(30), () -> status(base + "/-/ready") == 200);
        FleetSettings settings = new FleetSettings();
        new CommandLine(settings).parseArgs("--url", hub.url(), "--token-secret", TestHub.SECRET, "--devices", "3",
            "--duration", "12s", "--ramp-up", "100ms", "--fault-nan", "0.2", "--subscribers", "1");
        Fleet fleet = Fleet.start(settings, vertx -> TokenSource.fromSecret(vertx, TestHub.SECRET), ReadingListener.NONE, (PrintStream) null);
        Thread.sleep(settings.duration.toMillis() - 1000); // the simulated run; queries go while it still streams

        Map<String, JsonArray> answers = new LinkedHashMap<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
          for (JsonNode target : panel.get("targets")) {
            assertEquals("telemetry-prometheus", target.get("datasource").get("uid").asText(), panel.get("title").asText());
            String expr = target.get("expr").asText().replace("$__rate_interval", "5s");
            JsonArray result = query(base, expr);
            assertTrue(!result.isEmpty(), panel.get("title").asText() + ": no data from " + expr);
            answers.put(panel.get("title").asText() + " " + target.get("refId").asText(), result);
          }
        }
        fleet.finish().await();
        fleet.close();

        double readingsPerSecond = value(answers.get("Readings per second A"));
        assertTrue(readingsPerSecond > 1 && readingsPerSecond < 6, "3 devices at 1/s, less the NaNs: " + readingsPerSecond);
        double ackP99 = value(answers.get("Ack latency (frame arrival to durable ack) B"));
        assertTrue(ackP99 > 0 && ackP99 < 5, "ack p99 in seconds: " + ackP99);
        assertTrue(answers.get("Devices by state A").stream().map(JsonObject.class::cast)
            .anyMatch(series -> "online".equals(series.getJsonObject("metric").getString("state")) && value(series) == 3),
            "three devices online: " + answers.get("Devices by state A"));
        assertTrue(answers.get("HTTP requests per second by route A").encode().contains("/ws/devices/:id"),
            "device upgrades apart: " + answers.get("HTTP requests per second by route A"));
      } finally {
        prometheus.destroy();
        prometheus.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /** deploy/prometheus.yml with its hub target at {@code hubPort} on this machine and a 1 s scrape for a short test. */
  private Path config(int hubPort) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode config = (ObjectNode) yaml.readTree(CONFIG.toFile());
    ((ObjectNode) config.get("global")).put("scrape_interval", "1s");
    JsonNode hubJob = null;
    for (JsonNode job : config.get("scrape_configs")) {
      if (job.get("job_name").asText().equals("hub")) {
        hubJob = job;
      }
    }
    assertTrue(hubJob != null, "a job named hub in " + CONFIG);
    ArrayNode targets = (ArrayNode) hubJob.get("static_configs").get(0).get("targets");
    assertEquals("hub:8080", targets.get(0).asText());
    targets.set(0, yaml.getNodeFactory().textNode("127.0.0.1:" + hubPort));
    Path file = dir.resolve("prometheus.yml");
    yaml.writeValue(file.toFile(), config);
    return file;
  }

  private static JsonArray query(String base, String expr) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
        + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), expr + ": " + response.body());
    return new JsonObject(response.body()).getJsonObject("data").getJsonArray("result");
  }

  private static double value(JsonArray result) {
    return value(result.getJsonObject(0));
  }

  private static double value(JsonObject series) {
    return Double.parseDouble(series.getJsonArray("value").getString(1));
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return 0;
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
