package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/**
 * Devices that send one-packet frames as fast as acks allow, with a large window, beside a device
 * that sends a reading now and then. Every device's unacknowledged packets are bounded by its
 * share (--max-pending-per-device), so the flooders cannot fill the queue in which the quiet
 * device's readings wait for storage.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class FairnessIT {

  private static final int FLOODERS = 4;
  private static final int WINDOW = 16_384;
  private static final int SHARE = 1024;

  @TempDir
  Path dataDir;

  /** One device keeping {@link #WINDOW} one-packet frames unacknowledged, refilled on every ack. */
  private static final class Flooder {
    private final DeviceClient client;
    private final Vertx vertx;
    private long sent;
    private long ts;
    private volatile boolean running = true;

    Flooder(Vertx vertx, DeviceClient client, long firstTs) {
      this.vertx = vertx;
      this.client = client;
      this.ts = firstTs;
      client.onAck(this::pump);
    }

    void start() {
      vertx.runOnContext(ignored -> pump());
    }

    private void pump() {
      while (running && sent - client.lastAck() < WINDOW) {
        client.sendPackets(20f, ts++, 50f, 1000f);
        sent++;
      }
    }

    void stop() {
      running = false;
    }
  }

  /** Verifies that the store queue stays within the flooders' shares while they flood, and the quiet device is acked throughout. */
  @Test
  void floodersGetTheirShareNotTheWholeQueue(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withDevices(o.devices().withMaxPendingPerDevice(SHARE)))) {
      HubApi api = hub.api();
      WebSocketClient client = DeviceClient.client(vertx);
      long base = Instant.now().getEpochSecond() - 10 * 86_400;
      List<Flooder> flooders = new ArrayList<>();
      for (int i = 0; i < FLOODERS; i++) {
        flooders.add(new Flooder(vertx, DeviceClient.open(client, hub.port(), "flood-" + i), base));
      }
      DeviceClient quiet = DeviceClient.open(client, hub.port(), "quiet");
      flooders.forEach(Flooder::start);
      double maxQueued = 0;
      long quietTs = Instant.now().getEpochSecond() - 1000;
      for (int i = 1; i <= 50; i++) {
        quiet.sendPackets(21f, quietTs + i, 50f, 1000f);
        maxQueued = Math.max(maxQueued, api.metric("hub_store_queue_readings"));
        long expected = i;
        Poll.until("quiet reading " + i + " acked", Duration.ofSeconds(10), () -> quiet.lastAck() >= expected);
      }
      flooders.forEach(Flooder::stop);
      double stored = api.metric("hub_readings_stored_total");
      assertTrue(stored > 50_000, "the flooders did flood: " + stored + " readings stored");
      double bound = FLOODERS * (SHARE + 1) + 1;
      assertTrue(maxQueued <= bound, "readings waiting for storage: at most " + maxQueued + ", the shares allow " + bound);
    }
  }
}
