package org.telemetryhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.FaultProxy;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/** A hub's stop keeps to --shutdown-timeout as a whole, and a start that fails leaves nothing running. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class HubStopIT {

  @TempDir
  Path dir;

  /**
   * Verifies that a store that stops answering (a real InfluxDB behind a proxy that turns into a
   * black hole: its writes, the meters' last push and its close all wait for an answer that never
   * comes) cannot hold the stop past --shutdown-timeout (3 s here). Before, each step of the stop
   * had the whole timeout and the store writer's stop was joined without bound.
   */
  @Test
  void aStoreThatNeverAnswersDoesNotHoldTheStop(Vertx vertx) throws Exception {
    try (InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         FaultProxy proxy = FaultProxy.to(Integer.parseInt(influx.url().replaceAll(".*:", "")))) {
      TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withStore(o.store().withInflux("http://127.0.0.1:" + proxy.port()))
          .withShutdownTimeout(Duration.ofSeconds(3)));
      long now = Instant.now().getEpochSecond();
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-1");
      device.sendPackets(20f, now - 2, 50f, 1000f);
      device.awaitAck(1, Duration.ofSeconds(10));

      proxy.mode(FaultProxy.Mode.BLACK_HOLE);
      device.sendPackets(20f, now - 1, 50f, 1000f); // its write waits for an answer that never comes
      Poll.until("the second reading waiting for storage", Duration.ofSeconds(10),
          () -> hub.api().metric("hub_store_queue_readings") >= 1);
      long started = System.nanoTime();
      hub.stop();
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.println("stop took " + tookMillis + " ms with --shutdown-timeout=3s and a store that never answers");
      assertTrue(tookMillis < 5_000, "the stop took " + tookMillis + " ms, the shutdown timeout is 3,000 ms");
      assertEquals(1, device.lastAck(), "the reading the store never took was not acked");
    }
  }

  /**
   * Verifies that a start that fails after the store writer started (its port is taken) stops the
   * writer's threads before it closes the store, instead of leaving them running against it.
   */
  @Test
  void aFailedStartLeavesNoStoreWriterRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Exception failure = assertThrows(Exception.class, () -> TestHub.start(dir,
          o -> o.withListen(o.listen().withAddress("127.0.0.1", taken.getLocalPort()))));
      System.out.println("start failed as it should: " + failure);
      List<String> writers = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> thread.isAlive() && thread.getName().startsWith("store-writer"))
          .map(Thread::getName).toList();
      assertEquals(List.of(), writers, "store writer threads left running after the failed start");
    }
  }
}
