package org.telemetryhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against the reference server over real sockets: it upgrades, writes frames
 * the server decodes, reads every ack, and reports what it sent and what was acked.
 */
@ExtendWith(VertxExtension.class)
class LeanLoadIT {

  private static int reference(Vertx vertx) throws Exception {
    return ReferenceServer.deploy(vertx, 0, 2).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void atFullSpeedEveryPacketSentIsAckedAndReported(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = reference(vertx);
    Path json = dir.resolve("run.json");
    LeanLoad load = new LeanLoad(Map.of("url", "ws://127.0.0.1:" + port, "devices", "5", "rate", "0", "batch", "4",
        "window", "64", "duration", "3", "measure-after", "1", "drain", "10"));
    load.run(json);
    assertTrue(load.sent() > 1_000, "packets sent in 3 s at full speed: " + load.sent());
    assertEquals(load.sent(), load.acked(), "every packet acked by the server's cumulative count");
    String report = Files.readString(json);
    assertTrue(report.contains("\"opened\" : 5,"), report);
    assertTrue(report.contains("\"missing\" : 0,"), report);
    assertTrue(!report.contains("\"fewestOfMean\" : 0.000"), "every device got acks in the window: " + report);
  }

  @Test
  void atARateEachDeviceSendsItsShare(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = reference(vertx);
    LeanLoad load = new LeanLoad(Map.of("url", "ws://127.0.0.1:" + port, "devices", "20", "rate", "5", "batch", "1",
        "duration", "3", "measure-after", "1", "drain", "10"));
    load.run(dir.resolve("run.json"));
    // 20 devices x 5/s x 3 s = 300 at most; a loaded machine sends late ones later, never in a burst.
    assertTrue(load.sent() > 100 && load.sent() <= 320, "packets sent: " + load.sent());
    assertEquals(load.sent(), load.acked());
  }
}
