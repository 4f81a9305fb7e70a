package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Every InfluxQL query of every provisioned dashboard (panels, annotations, variables), with
 * Grafana's macros expanded for a concrete range and values, returns rows from a real influxd
 * after a simulated run; and every one names the provisioned datasource.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardQueriesIT {

  private static final Path DASHBOARDS = Path.of("..", "dashboards");
  private static final String DATABASE = "telemetry";

  @TempDir
  Path dir;

  @Test
  void everyPanelQueryReturnsDataAfterASimulatedRun() throws Exception {
    String datasourceUid = provisionedDatasourceUid();
    long start = Instant.now().getEpochSecond();
    try (InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         TestHub hub = TestHub.start(dir.resolve("hub"), "--store=influx", "--influx-url=" + influx.url(),
             "--influx-database=" + DATABASE, "--influx-metrics-step=1s", "--heartbeat-interval=200ms",
             "--heartbeat-timeout=1s", "--silent-after=1s", "--alert-rules=warm: temperature > 0 for 1s resolve < -50")) {
      FleetSettings settings = new FleetSettings();
      new CommandLine(settings).parseArgs("--url", hub.url(), "--token-secret", TestHub.SECRET, "--devices", "3",
          "--duration", "4s", "--ramp-up", "100ms", "--fault-nan", "0.2", "--subscribers", "1");
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
        List<String> queries = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS.resolve("json"))) {
          for (Path file : files.sorted().toList()) {
            queries.addAll(queriesOf(new JsonObject(Files.readString(file)), datasourceUid, file.getFileName().toString()));
          }
        }
        assertTrue(queries.size() >= 15, "every dashboard's queries were found: " + queries.size());
        for (String query : queries) {
          String expanded = expand(query, start - 60, end + 60, devices);
          assertTrue(rows(client, expanded) > 0, "no rows from " + expanded + "\n(dashboard query: " + query + ")");
        }
      }
    }
  }

  private static String provisionedDatasourceUid() throws Exception {
    Matcher uid = Pattern.compile("uid:\\s*(\\S+)").matcher(
        Files.readString(DASHBOARDS.resolve("provisioning/datasources/influxdb.yml")));
    assertTrue(uid.find(), "the provisioned datasource has a uid");
    assertTrue(Files.readString(DASHBOARDS.resolve("provisioning/datasources/influxdb.yml")).contains("dbName: " + DATABASE));
    return uid.group(1);
  }

  /** Every InfluxQL query of the dashboard, checking that each names the provisioned datasource. */
  private static List<String> queriesOf(JsonObject dashboard, String datasourceUid, String file) {
    List<String> queries = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      for (Object t : panel.getJsonArray("targets")) {
        JsonObject target = (JsonObject) t;
        assertEquals(datasourceUid, target.getJsonObject("datasource").getString("uid"), file + ": " + panel.getString("title"));
        assertTrue(target.getBoolean("rawQuery"), file + ": InfluxQL as written");
        queries.add(target.getString("query"));
      }
    }
    for (Object a : dashboard.getJsonObject("annotations").getJsonArray("list")) {
      JsonObject annotation = (JsonObject) a;
      if (annotation.containsKey("query")) {
        assertEquals(datasourceUid, annotation.getJsonObject("datasource").getString("uid"), file + ": annotation");
        queries.add(annotation.getString("query"));
      }
    }
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject variable = (JsonObject) v;
      assertEquals(datasourceUid, variable.getJsonObject("datasource").getString("uid"), file + ": variable");
      queries.add(variable.getString("query"));
    }
    assertFalse(queries.isEmpty(), file);
    return queries;
  }

  /** What Grafana sends for the range [from, to], a 1 s interval and every device selected. */
  static String expand(String query, long from, long to, List<String> devices) {
    return query
        .replace("$timeFilter", "time >= " + from + "s AND time <= " + to + "s")
        .replace("$__interval", "1s")
        .replace("/^$device$/", "/^(" + String.join("|", devices) + ")$/")
        .replace("$device", devices.get(0));
  }

  private static int rows(InfluxDB client, String query) {
    QueryResult result = client.query(new Query(query, DATABASE));
    if (result.hasError() || result.getResults().get(0).hasError()) {
      throw new AssertionError("query failed: " + query + ": " + result);
    }
    List<QueryResult.Series> series = result.getResults().get(0).getSeries();
    return series == null ? 0 : series.stream().mapToInt(s -> s.getValues().size()).sum();
  }
}
