package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
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
import org.telemetryhub.hub.testing.KafkaCluster;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;
import picocli.CommandLine;

/**
 * 100 simulated devices stream into a hub with {@code --store kafka} on three real Kafka brokers
 * (replication 3, two in sync required), a {@code hub sink} writing the topic into a real InfluxDB.
 * One broker is killed with -9 mid-run, then every broker is killed and started again: every
 * reading the devices had acked, and in the end every one generated, is in InfluxDB once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaFailoverIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  @Test
  void aBrokerKilledAndEveryBrokerRestartedLoseNothingAcked() throws Exception {
    int sinkMetricsPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      sinkMetricsPort = socket.getLocalPort();
    }
    try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 3);
         InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withStore(o.store().withKafka(kafka.bootstrap(), influx.url())));
         HubProcess sink = HubProcess.run(Path.of("..", "hub", "target", "hub.jar"), Map.of(),
             List.of("sink", "--kafka-bootstrap", kafka.bootstrap(), "--influx-url", influx.url(),
                 "--metrics-port", Integer.toString(sinkMetricsPort)))) {
      FleetSettings settings = new FleetSettings();
      new CommandLine(settings).parseArgs("--url", hub.url(), "--token-secret", TestHub.SECRET, "--devices", "100",
          "--load", "--load-rate", "20", "--batch", "10", "--window", "64", "--ramp-up", "1s", "--backoff-max", "2s",
          "--drain", "90s");
      Fleet fleet = Fleet.start(settings, vertx -> TokenSource.fromSecret(vertx, TestHub.SECRET), ReadingListener.NONE,
          (PrintStream) null);
      FleetStats stats = fleet.stats();
      Poll.until("readings acked", WAIT, () -> stats.acked() > 5_000);

      kafka.kill(1);
      long ackedAtKill = stats.acked();
      Poll.until("acks going on with two of three brokers", WAIT, () -> stats.acked() > ackedAtKill + 5_000);
      kafka.restart(1);

      for (int broker = 0; broker < 3; broker++) {
        kafka.kill(broker);
      }
      Poll.until("not ready while no broker runs", WAIT, () -> hub.api().get("/health/ready").status() == 503);
      long ackedInOutage = stats.acked();
      for (int broker = 0; broker < 3; broker++) {
        kafka.restart(broker);
      }
      Poll.until("acks again, by themselves", WAIT, () -> stats.acked() > ackedInOutage + 5_000);
      Poll.until("ready again", WAIT, () -> hub.api().get("/health/ready").status() == 200);

      JsonObject summary = fleet.finish().await();
      fleet.close();
      assertEquals(0, summary.getLong("missing"), "every generated reading acked: " + summary.encode());
      long generated = summary.getLong("generated");
      assertTrue(generated > 15_000, summary.encode());
      try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
        long[] stored = {0};
        try {
          Poll.until("every reading in InfluxDB through the sink", WAIT, () -> {
            QueryResult count = client.query(new Query("SELECT count(temperature) FROM readings", "telemetry"));
            var series = count.getResults().get(0).getSeries();
            stored[0] = series == null ? 0 : ((Number) series.get(0).getValues().get(0).get(1)).longValue();
            return stored[0] >= generated;
          });
        } catch (AssertionError missed) {
          // What the sink did and what it counts (stored, lag), for the failure's message.
          List<String> lines = new java.util.ArrayList<>(sink.output().lines().toList());
          new org.telemetryhub.hub.testing.HubApi(sinkMetricsPort, null).get("/metrics").body().lines().filter(l -> l.startsWith("hub_sink"))
              .forEach(lines::add);
          throw new AssertionError(missed.getMessage() + " (" + stored[0] + " of " + generated + "); the sink's last lines:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())), missed);
        }
        assertEquals(generated, stored[0], "each reading once");
      }
      System.out.println("kafka failover: " + summary.encode());
    }
  }
}
