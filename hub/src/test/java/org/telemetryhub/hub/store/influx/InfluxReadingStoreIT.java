package org.telemetryhub.hub.store.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceState;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.testing.InfluxServer;

/** The InfluxDB store against a real influxd. */
@Timeout(120)
class InfluxReadingStoreIT {

  @TempDir
  Path dir;

  @Test
  void writesUpsertsAndQueriesAgainstARealInfluxd() throws Exception {
    try (InfluxServer server = InfluxServer.start(dir);
         InfluxReadingStore store = InfluxReadingStore.connect(
             new InfluxSettings(server.url(), "t1", "telemetry_hub", null, null, 1, true, Duration.ofSeconds(10)), Duration.ofDays(30))) {
      long now = java.time.Instant.now().getEpochSecond();
      store.write(List.of(
          new Reading("a", now - 30, 3f, 30.3f, 1003.3f),
          new Reading("a", now - 10, 1.1f, 10.1f, 1001.1f),
          new Reading("b", now - 10, 9f, 90f, 1009f),
          new Reading("a", now - 20, 2.1f, 20f, 1002f)));
      store.write(List.of(new Reading("a", now - 20, 2.2f, 22.2f, 1002.5f))); // the same (device, ts) again

      assertEquals(List.of(
          new Reading("a", now - 30, 3f, 30.3f, 1003.3f),
          new Reading("a", now - 20, 2.2f, 22.2f, 1002.5f),
          new Reading("a", now - 10, 1.1f, 10.1f, 1001.1f)), store.query("a", now - 100, now, 10),
          "oldest first, float32 values exactly, the resend replaced the first write");
      assertEquals(2, store.query("a", now - 100, now, 2).size());
      assertEquals(1, store.query("a", now - 20, now - 20, 10).size(), "bounds are inclusive");
      assertEquals(List.of(), store.query("a'; DROP DATABASE t1; --", 0, now, 10), "the device id is a bound parameter");
      assertTrue(store.hasReadings("b"));
      assertFalse(store.hasReadings("c"));
      assertEquals(now - 10, store.latestTimestamp("a"));
      assertEquals(-1, store.latestTimestamp("c"));
      assertEquals(Set.of(new Reading("a", now - 10, 1.1f, 10.1f, 1001.1f), new Reading("b", now - 10, 9f, 90f, 1009f)),
          Set.copyOf(store.latestReadings()), "the newest reading of every device");
      assertNull(store.unreachable());

      store.write(new DeviceStatus("a", DeviceState.SILENT, now * 1000, "no readings for 60s"));
      store.write(new AlertEvent("a", "overheat", AlertEvent.FIRING, 31.5f, now));
      QueryResult status = InfluxDBFactory.connect(server.url()).query(
          new Query("SELECT state, code, reason FROM device_status", "t1"));
      assertEquals(List.of("silent", 1.0, "no readings for 60s"), status.getResults().get(0).getSeries().get(0).getValues().get(0).subList(1, 4));
      QueryResult alerts = InfluxDBFactory.connect(server.url()).query(new Query("SELECT value, firing FROM alerts", "t1"));
      assertEquals(List.of(31.5, 1.0), alerts.getResults().get(0).getSeries().get(0).getValues().get(0).subList(1, 3));

      QueryResult policies = InfluxDBFactory.connect(server.url()).query(new Query("SHOW RETENTION POLICIES ON t1"));
      assertTrue(policies.toString().contains("telemetry_hub") && policies.toString().contains("720h0m0s"), policies.toString());

      server.stop();
      assertTrue(store.unreachable().contains("unreachable"), store.unreachable());
      StoreException down = assertThrows(StoreException.class, () -> store.write(List.of(new Reading("a", now, 1, 1, 1000))));
      assertTrue(down.getMessage().contains("did not accept 1 readings"), down.getMessage());
      server.restart();
      store.write(List.of(new Reading("a", now, 1, 1, 1000)));
      assertEquals(4, store.query("a", 0, now, 10).size());
    }
  }
}
