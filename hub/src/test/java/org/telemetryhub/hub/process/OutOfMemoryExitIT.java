package org.telemetryhub.hub.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubProcess;

/**
 * A hub that runs out of memory ends, so that its supervisor starts it again, instead of living on
 * with a connection, a writer or an event loop torn: a real hub process with so little direct
 * memory (the buffers its sockets read into) that the first frames of a device exhaust it.
 */
class OutOfMemoryExitIT {

  /** Verifies that an OutOfMemoryError while reading a device's frames ends the process with exit code 3, saying why. */
  @Test
  void outOfMemoryEndsTheProcess(@TempDir Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (HubProcess hub = HubProcess.serve(List.of("-XX:MaxDirectMemorySize=1m"), dataDir)) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-1");
      long now = Instant.now().getEpochSecond();
      for (int frame = 0; frame < 200 && !device.isClosed(); frame++) {
        Buffer readings = Buffer.buffer();
        for (int k = 0; k < 256; k++) {
          PacketCodec.encode(20f, now - frame * 256L - k, 40f, 1000f, readings);
        }
        device.sendBinary(readings);
        Thread.sleep(10);
      }
      assertEquals(FatalErrors.EXIT_CODE, hub.awaitExit(Duration.ofSeconds(20)), hub.output());
      assertTrue(hub.output().contains("FATAL the hub ends on java.lang.OutOfMemoryError"), hub.output());
    } finally {
      vertx.close();
    }
  }
}
