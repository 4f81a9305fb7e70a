package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;

/**
 * One subscriber that never reads and one fast subscriber, under steady ingest: the fast one gets
 * everything, the device's acks keep coming, and the stalled one is conflated, dropped or closed
 * by its policy, with what it lost reported on $hub/lost.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class SlowSubscriberIT {

  private static final int READINGS = 60_000;
  private static final int PER_FRAME = 100;

  @TempDir
  Path dataDir;

  @ParameterizedTest
  @ValueSource(strings = {"conflate", "drop-oldest", "disconnect"})
  void aStalledSubscriberLosesByItsPolicyAndNobodyElseNotices(String policy, Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withSubscribers(o.subscribers().withQueueCapacity(2000)))) {
      String token = SubscriberClient.subscriberToken("#");
      RawWebSocket stalled = RawWebSocket.connect(hub.port(), "/ws/subscribe", token, 4096);
      stalled.sendFrame(RawWebSocket.TEXT, ("{\"action\":\"subscribe\",\"channels\":[\"readings/#\"],\"policy\":\""
          + policy + "\",\"id\":1}").getBytes(StandardCharsets.UTF_8));
      assertEquals("{\"ack\":1}", new String(stalled.readFrame().payload(), StandardCharsets.UTF_8));
      // From here on the stalled subscriber reads nothing until the device is done.

      SubscriberClient fast = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "#");
      fast.subscribe(1, "readings/#");

      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "busy-1");
      long firstTs = Instant.now().getEpochSecond() - READINGS;
      for (int f = 0; f < READINGS / PER_FRAME; f++) {
        Buffer frame = Buffer.buffer(PER_FRAME * PacketCodec.PACKET_SIZE);
        for (int k = 0; k < PER_FRAME; k++) {
          PacketCodec.encode(20f, firstTs + f * PER_FRAME + k, 50f, 1000f, frame);
        }
        // Steady ingest: at most 10 frames unacknowledged, as a device with an outbox sends.
        long sent = (long) f * PER_FRAME;
        org.telemetryhub.hub.testing.Poll.until("window", Duration.ofSeconds(30), () -> sent - device.lastAck() <= 10 * PER_FRAME);
        device.sendBinary(frame);
      }
      device.awaitAck(READINGS, Duration.ofSeconds(60));
      org.telemetryhub.hub.testing.Poll.untilEquals("readings at the fast subscriber", Duration.ofSeconds(30), READINGS,
          () -> fast.messagesOn("readings/").size());

      String lostSeries = "hub_subscriber_messages_lost_total{policy=\"" + policy + "\"}";
      if ("disconnect".equals(policy)) {
        long[] deliveredAndCode = readUntilClosed(stalled);
        assertEquals(1013, deliveredAndCode[1], "closed as 'try again later'");
        assertTrue(deliveredAndCode[0] < READINGS);
        assertEquals(READINGS - deliveredAndCode[0], (long) hub.api().metric(lostSeries),
            "what it never got, counted as lost");
      } else {
        // Counted as they are lost, while the subscriber is still stalled: not when it reads again.
        double lostWhileStalled = hub.api().metric(lostSeries);
        assertTrue(lostWhileStalled > 0, "losses counted while the subscriber is stalled: " + lostWhileStalled);
        long[] deliveredAndLost = readUntilAccounted(stalled);
        assertTrue(deliveredAndLost[1] > 0, "the stalled subscriber lost messages: " + deliveredAndLost[1]);
        assertTrue(deliveredAndLost[0] < READINGS);
        assertEquals(READINGS, deliveredAndLost[0] + deliveredAndLost[1], "every message was delivered or reported lost");
        assertEquals(deliveredAndLost[1], (long) hub.api().metric(lostSeries), "the metric counts what the subscriber was told");
      }
    }
  }

  /** Reads readings and $hub/lost reports until they add up to every reading sent; returns {delivered, lost}. */
  private static long[] readUntilAccounted(RawWebSocket stalled) throws Exception {
    long delivered = 0;
    long lost = 0;
    while (delivered + lost < READINGS) {
      RawWebSocket.Frame frame = stalled.readFrame();
      if (frame == null) {
        throw new AssertionError("connection ended after " + delivered + " delivered and " + lost + " lost");
      }
      JsonObject message = new JsonObject(new String(frame.payload(), StandardCharsets.UTF_8));
      if ("$hub/lost".equals(message.getString("channel"))) {
        lost += message.getJsonObject("payload").getLong("lost");
      } else if (message.getString("channel", "").startsWith("readings/")) {
        delivered++;
      }
    }
    return new long[] {delivered, lost};
  }

  /** Reads until the hub's close frame; returns {readings delivered, close code}. */
  private static long[] readUntilClosed(RawWebSocket stalled) throws Exception {
    RawWebSocket.Frame frame;
    long delivered = 0;
    while ((frame = stalled.readFrame()) != null) {
      if (frame.opcode() == RawWebSocket.CLOSE) {
        return new long[] {delivered, frame.closeCode()};
      }
      if (frame.opcode() == RawWebSocket.TEXT && new String(frame.payload(), StandardCharsets.UTF_8).startsWith("{\"channel\":\"readings/")) {
        delivered++;
      }
    }
    throw new AssertionError("the connection ended without a close frame");
  }
}
