package org.telemetryhub.hub.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.KafkaCluster;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/**
 * {@code hub sink} processes between a real Kafka broker and a real InfluxDB, the hub producing
 * with {@code --store kafka} and reading history from that InfluxDB.
 */
@ExtendWith(VertxExtension.class)
class KafkaSinkIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  /**
   * Verifies that a sink killed with -9 and started again, and a second sink joining the group,
   * lose nothing and store each reading once; and that the sink's lag is a meter.
   */
  @Test
  void aKilledSinkAndASecondSinkLoseNothingAndStoreEachReadingOnce(Vertx vertx) throws Exception {
    try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 1);
         InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withStore(o.store().withKafka(kafka.bootstrap(), influx.url())))) {
      int metricsPort = freePort();
      HubProcess first = sink(kafka, influx, metricsPort);
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-s");
      long t0 = Instant.now().getEpochSecond() - 1000;
      send(device, t0, 0, 100);
      HubApi api = hub.api();
      Poll.until("the first 100 readings in InfluxDB", WAIT, () -> api.readings("dev-s", t0, t0 + 999).size() == 100);
      String meters = new HubApi(metricsPort, null).get("/metrics").body();
      assertTrue(meters.contains("hub_sink_lag_records"), meters);
      assertTrue(meters.contains("hub_sink_readings_stored_total"), meters);

      first.kill(); // -9: whatever it polled and had not committed is read again by the next one
      send(device, t0, 100, 200);
      HubProcess second = sink(kafka, influx, 0);
      Poll.until("200 readings in InfluxDB after the restart", WAIT, () -> api.readings("dev-s", t0, t0 + 999).size() == 200);

      HubProcess third = sink(kafka, influx, 0); // joins the group: the partitions are shared out again
      send(device, t0, 200, 300);
      Poll.until("300 readings in InfluxDB with two sinks", WAIT, () -> api.readings("dev-s", t0, t0 + 999).size() == 300);
      List<Long> timestamps = api.readings("dev-s", t0, t0 + 999).stream().map(reading -> ((JsonObject) reading).getLong("ts")).toList();
      for (int i = 0; i < 300; i++) {
        assertEquals(t0 + i, timestamps.get(i), "every reading once, in order");
      }
      device.close();
      second.terminate();
      third.terminate();
      // 143: 128 + SIGTERM, how the JVM reports an exit on a signal; the log shows the orderly stop.
      assertEquals(143, second.awaitExit(Duration.ofSeconds(30)), second.output());
      assertTrue(second.output().contains("stopped"), second.output());
    }
  }

  /** Readings {@code from} to {@code to} - 1 (stamped t0 + i), ten per frame, each frame acked before the next. */
  private static void send(DeviceClient device, long t0, int from, int to) {
    for (int i = from; i < to; i += 10) {
      if (device.isClosed()) {
        throw new AssertionError("the device's connection closed: " + device.awaitClose(Duration.ofSeconds(1)) + " at "
            + Instant.now());
      }
      device.sendRun(t0 + i, 10);
      device.awaitAck(i + 10, WAIT);
    }
  }

  private static HubProcess sink(KafkaCluster kafka, InfluxServer influx, int metricsPort) throws Exception {
    HubProcess sink = HubProcess.run(Map.of(), "sink", "--kafka-bootstrap", kafka.bootstrap(), "--influx-url", influx.url(),
        "--metrics-port", Integer.toString(metricsPort), "--name", "sink-" + metricsPort);
    Poll.until("the sink consuming", WAIT, () -> sink.output().contains("consuming"));
    return sink;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
