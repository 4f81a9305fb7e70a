package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;
import picocli.CommandLine;

/**
 * Every InfluxQL query of every provisioned InfluxDB dashboard (panels, annotations, variables),
 * with Grafana's macros expanded for a concrete range and values, returns rows from a real
 * influxd after a simulated run, and the values a user would check are right: last seen within
 * the last minute, one series per device, the compose file's alert firing, rates per second.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardQueriesIT {

  private static final Path DASHBOARDS = Path.of("..", "dashboards");
  private static final String DATABASE = "telemetry";

  @TempDir
  Path dir;

  @Test
  void everyPanelQueryReturnsWhatAUserWouldCheckAfterASimulatedRun() throws Exception {
    String datasourceUid = provisionedDatasourceUid();
    String alertRules = composeAlertRules();
    assertEquals(DemoCommand.ALERT_RULES, alertRules, "the demo raises the alerts of the compose stack");
    long start = Instant.now().getEpochSecond();
    try (InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         TestHub hub = TestHub.start(dir.resolve("hub"), o -> o
             .withStore(o.store().withInflux(influx.url()).withInfluxSettings(
                 o.store().influx().withUrl(influx.url()).withDatabase(DATABASE).withMetricsStep(Duration.ofSeconds(1))))
             .withLiveness(o.liveness().withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1))
                 .withSilentAfter(Duration.ofSeconds(1)))
             .withAlertRules(TestHub.rules(alertRules.split(";"))))) {
      FleetSettings settings = new FleetSettings();
      // 14 s: long enough for the compose file's pressure rule ("for 10s") to fire for a device of seed 42.
      new CommandLine(settings).parseArgs("--url", hub.url(), "--token-secret", TestHub.SECRET, "--devices", "3",
          "--duration", "14s", "--ramp-up", "100ms", "--fault-nan", "0.2", "--subscribers", "1", "--seed", "42");
      Fleet fleet = Fleet.start(settings, vertx -> TokenSource.fromSecret(vertx, TestHub.SECRET),
          ReadingListener.NONE, (PrintStream) null);
      Thread.sleep(settings.duration.toMillis()); // let the fleet run: this is the simulated run, not a synchronisation
      fleet.finish().await();
      fleet.close();

      try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
        Poll.until("two metric pushes after the run", Duration.ofSeconds(10), () -> rows(client,
            "SELECT \"value\" FROM \"hub_readings_stored\"") > 5);
        long end = Instant.now().getEpochSecond();
        List<String> devices = List.of("dev-0001", "dev-0002", "dev-0003");
        Map<String, String> queries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS.resolve("json"))) {
          for (Path file : files.sorted().filter(f -> !f.getFileName().toString().contains("prometheus")).toList()) {
            queries.putAll(queriesOf(new JsonObject(Files.readString(file)), datasourceUid, file.getFileName().toString()));
          }
        }
        assertTrue(queries.size() >= 15, "every dashboard's queries were found: " + queries.size());
        for (String query : queries.values()) {
          String expanded = expand(query, start - 60, end + 60, devices);
          assertTrue(rows(client, expanded) > 0, "no rows from " + expanded + "\n(dashboard query: " + query + ")");
        }

        // Fleet, "Last seen": one row per device, at the time of its last reading (not the start of the range).
        List<QueryResult.Series> lastSeen = series(client, expand(queries.get("fleet.json: Last seen"), start - 3600, end, devices));
        assertEquals(3, lastSeen.size(), "one row per device");
        for (QueryResult.Series device : lastSeen) {
          long time = ((Number) device.getValues().get(0).get(0)).longValue();
          assertTrue(time >= end - 60 && time <= end, device.getTags() + " last seen at " + time + ", not within the last minute of " + end);
        }
        // Sensors, device "All": one series per device.
        assertEquals(3, series(client, expand(queries.get("sensors.json: Temperature"), start - 60, end, List.of(".*"))).size());
        // Fleet, "Alerts": the compose file's pressure rule fired.
        assertTrue(series(client, expand(queries.get("fleet.json: Alerts"), start - 60, end + 60, devices)).stream()
            .anyMatch(alert -> "pressure-high".equals(alert.getTags().get("rule")) && "firing".equals(alert.getTags().get("state"))),
            "a firing pressure-high alert");
        // Hub, ingest: readings per second, about what 3 devices at 1/s send.
        double peak = series(client, expand(queries.get("hub.json: Ingest: readings per second"), start - 60, end + 60, devices)).stream()
            .flatMap(one -> one.getValues().stream()).mapToDouble(row -> row.get(1) == null ? 0 : ((Number) row.get(1)).doubleValue())
            .max().orElse(0);
        assertTrue(peak >= 1 && peak <= 12, "readings per second, not per interval: " + peak);
        // Hub, ack latency: the percentiles pushed.
        assertEquals(Set.of("0.5", "0.99", "0.999"), series(client, expand(queries.get("hub.json: Ack latency (frame arrival to durable)"),
            start - 60, end + 60, devices)).stream().map(one -> one.getTags().get("phi")).collect(Collectors.toSet()));
      }
    }
  }

  /** The hub's alert rules in docker-compose.yml: the dashboards must show them firing. */
  static String composeAlertRules() throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docker-compose.yml").toFile())
        .get("services").get("hub").get("environment").get("HUB_ALERT_RULES").asText();
  }

  private static String provisionedDatasourceUid() throws Exception {
    Matcher uid = Pattern.compile("uid:\\s*(\\S+)").matcher(
        Files.readString(DASHBOARDS.resolve("provisioning/datasources/influxdb.yml")));
    assertTrue(uid.find(), "the provisioned datasource has a uid");
    assertTrue(Files.readString(DASHBOARDS.resolve("provisioning/datasources/influxdb.yml")).contains("dbName: " + DATABASE));
    return uid.group(1);
  }

  /** Every InfluxQL query of the dashboard, checking that each names the provisioned datasource. */
  private static Map<String, String> queriesOf(JsonObject dashboard, String datasourceUid, String file) {
    Map<String, String> queries = new LinkedHashMap<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      for (Object t : panel.getJsonArray("targets")) {
        JsonObject target = (JsonObject) t;
        assertEquals(datasourceUid, target.getJsonObject("datasource").getString("uid"), file + ": " + panel.getString("title"));
        assertTrue(target.getBoolean("rawQuery"), file + ": InfluxQL as written");
        String key = file + ": " + panel.getString("title");
        queries.put(queries.containsKey(key) ? key + " " + target.getString("refId") : key, target.getString("query"));
      }
    }
    for (Object a : dashboard.getJsonObject("annotations").getJsonArray("list")) {
      JsonObject annotation = (JsonObject) a;
      if (annotation.containsKey("query")) {
        assertEquals(datasourceUid, annotation.getJsonObject("datasource").getString("uid"), file + ": annotation");
        queries.put(file + ": annotation " + annotation.getString("name"), annotation.getString("query"));
      }
    }
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject variable = (JsonObject) v;
      assertEquals(datasourceUid, variable.getJsonObject("datasource").getString("uid"), file + ": variable");
      queries.put(file + ": variable " + variable.getString("name"), variable.getString("query"));
    }
    assertFalse(queries.isEmpty(), file);
    return queries;
  }

  /** What Grafana sends for the range [from, to], a 1 s interval and every device selected. */
  static String expand(String query, long from, long to, List<String> devices) {
    return query
        .replace("$timeFilter", "time >= " + from + "s AND time <= " + to + "s")
        .replace("$__interval_ms", "1000")
        .replace("$__interval", "1s")
        .replace("/^$device$/", "/^(" + String.join("|", devices) + ")$/")
        .replace("$device", devices.get(0));
  }

  private static int rows(InfluxDB client, String query) {
    return series(client, query).stream().mapToInt(s -> s.getValues().size()).sum();
  }

  /** The series of the query's answer, times in epoch seconds. */
  private static List<QueryResult.Series> series(InfluxDB client, String query) {
    QueryResult result = client.query(new Query(query, DATABASE), TimeUnit.SECONDS);
    if (result.hasError() || result.getResults().get(0).hasError()) {
      throw new AssertionError("query failed: " + query + ": " + result);
    }
    List<QueryResult.Series> series = result.getResults().get(0).getSeries();
    return series == null ? List.of() : series;
  }
}
