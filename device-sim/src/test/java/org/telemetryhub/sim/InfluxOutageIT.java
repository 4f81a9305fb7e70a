package org.telemetryhub.sim;

import org.telemetryhub.hub.store.WriterOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The simulator streams into a hub on a real InfluxDB; InfluxDB goes away mid-run and comes back.
 * Meanwhile acks stop, /health says why, nothing crashes and the hub's queue stays within its bound
 * (ingest pauses); afterwards every reading the simulator generated is in InfluxDB.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InfluxOutageIT {

  private static final int QUEUE_CAPACITY = 2_000;
  private static final int DEVICES = 10;
  private static final int BATCH = 16;

  @TempDir
  Path dir;

  @Test
  void anOutagePausesIngestAndLosesNothing() throws Exception {
    try (InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withNodeName("outage-node")
             .withStore(o.store().withInflux(influx.url()).withInfluxSettings(
                 o.store().influx().withUrl(influx.url()).withDatabase("fleet").withMetricsStep(Duration.ofSeconds(1))))
             .withWriter(new WriterOptions(500, WriterOptions.DEFAULT_BATCH_MAX_AGE, QUEUE_CAPACITY)))) {
      FleetSettings settings = new FleetSettings();
      new CommandLine(settings).parseArgs("--url", hub.url(), "--token-secret", TestHub.SECRET,
          "--devices", String.valueOf(DEVICES), "--load", "--batch", String.valueOf(BATCH), "--window", "64",
          "--ramp-up", "100ms", "--drain", "60s");
      Fleet fleet = Fleet.start(settings, vertx -> TokenSource.fromSecret(vertx, TestHub.SECRET),
          ReadingListener.NONE, (PrintStream) null);
      FleetStats stats = fleet.stats();
      Poll.until("readings flowing", Duration.ofSeconds(20), () -> stats.acked() > 5_000);
      assertEquals(200, hub.api().get("/health").status());

      influx.stop();
      Poll.until("health reports the outage", Duration.ofSeconds(20), () -> hub.api().get("/health").status() == 503);
      JsonObject health = hub.api().get("/health").json();
      assertTrue(health.getString("reason").contains("InfluxDB"), health.encode());
      Poll.until("acks stopped", Duration.ofSeconds(20), acksStopped(stats));
      List<Integer> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add(hub.api().get("/health").json().getJsonObject("store").getInteger("queuedReadings"));
      }
      int bound = QUEUE_CAPACITY + DEVICES * BATCH; // each paused connection may overshoot by one frame
      assertTrue(queued.stream().allMatch(q -> q <= bound), "the queue stays within its bound: " + queued + " <= " + bound);
      assertTrue(queued.get(0) > 0, "readings are waiting: " + queued);

      influx.restart();
      Poll.until("health is back", Duration.ofSeconds(30), () -> hub.api().get("/health").status() == 200);
      long ackedBefore = stats.acked();
      Poll.until("acks flow again", Duration.ofSeconds(30), () -> stats.acked() > ackedBefore + 5_000);

      JsonObject summary = fleet.finish().await();
      fleet.close();
      assertEquals(0, summary.getLong("missing"), summary.encode());
      long generated = summary.getLong("generated");
      try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
        QueryResult count = client.query(new Query("SELECT count(temperature) FROM readings", "fleet"));
        assertEquals(generated, ((Number) count.getResults().get(0).getSeries().get(0).getValues().get(0).get(1)).longValue(),
            "every generated reading is in InfluxDB, once");
        Poll.until("the hub's own metrics pushed to InfluxDB", Duration.ofSeconds(10), () -> !client.query(
            new Query("SHOW MEASUREMENTS WITH MEASUREMENT = \"hub_readings_stored\"", "fleet")).toString().contains("series=null"));
        assertTrue(client.query(new Query("SHOW TAG VALUES FROM hub_readings_stored WITH KEY = \"node\"", "fleet")).toString()
            .contains("outage-node"), "the pushed meters carry the hub's node name, so that several hubs stay apart");
      }
    }
  }

  /** True once the acked count has stayed the same for a second. */
  private static java.util.function.BooleanSupplier acksStopped(FleetStats stats) {
    long[] last = {-1, System.nanoTime()};
    return () -> {
      long acked = stats.acked();
      if (acked != last[0]) {
        last[0] = acked;
        last[1] = System.nanoTime();
        return false;
      }
      return System.nanoTime() - last[1] > TimeUnit.SECONDS.toNanos(1);
    };
  }
}
