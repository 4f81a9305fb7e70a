package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;

/** Subscriber resume from the store ("since"), on one hub with the embedded store, over real sockets. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SubscriberResumeIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;
  private TestHub hub;

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  /** Verifies that 'since' replays the stored readings after it, oldest first, before the ack, then live ones follow. */
  @Test
  void sinceReplaysStoredReadingsThenLive(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir);
    long base = Instant.now().getEpochSecond() - 1000;
    DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-r");
    for (int i = 0; i < 20; i++) {
      device.sendPackets(20f + i, base + i, 40f, 1000f);
    }
    device.awaitAck(20, WAIT);

    SubscriberClient subscriber = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "readings/#");
    subscriber.send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray(List.of("readings/+")))
        .put("id", 1).put("since", base + 9));
    subscriber.awaitAck(1);
    List<Long> beforeAck = new ArrayList<>();
    for (JsonObject message : subscriber.received()) {
      if (message.containsKey("ack")) {
        break;
      }
      beforeAck.add(message.getJsonObject("payload").getLong("ts"));
    }
    assertEquals(range(base + 10, base + 19), beforeAck, "the ten readings after 'since', oldest first, before the ack");

    device.sendPackets(99f, base + 20, 40f, 1000f);
    JsonObject live = subscriber.await("the live reading", m -> m.getString("channel", "").equals("readings/dev-r")
        && m.getJsonObject("payload").getLong("ts") == base + 20);
    assertEquals(99.0, live.getJsonObject("payload").getDouble("temperature"));
    assertEquals(11, subscriber.messagesOn("readings/").size());
  }

  /**
   * Verifies the seam under load: a device streams while a subscriber resumes; every reading after
   * 'since' arrives exactly once, whether it came from the store or live.
   */
  @Test
  void noReadingIsMissingOrRepeatedAtTheSeam(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir);
    long base = Instant.now().getEpochSecond() - 50_000;
    int total = 6_000;
    DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-s");
    WebSocketClient subscribers = SubscriberClient.client(vertx, false);
    List<SubscriberClient> resumed = new ArrayList<>();
    // Frames of 20, and a subscriber resuming from the start every 500 readings while they flow.
    for (int sent = 0; sent < total; sent += 20) {
      device.sendRun(base + sent, 20);
      if (sent % 500 == 0) {
        // Each its own name: one token name holds at most 10 subscriber connections.
        SubscriberClient subscriber = DeviceClient.await(SubscriberClient.connect(subscribers, hub.port(),
            org.telemetryhub.hub.testing.Tokens.subscriber("resumer-" + resumed.size(), "readings/#"), null));
        subscriber.send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray(List.of("readings/dev-s")))
            .put("id", "resume").put("since", base - 1));
        resumed.add(subscriber);
      }
      if (sent % 1000 == 0) {
        long upTo = sent;
        Poll.until("acks up to " + upTo, WAIT, () -> device.lastAck() >= upTo); // keep the device within its window
      }
    }
    device.awaitAck(total, WAIT);
    for (SubscriberClient subscriber : resumed) {
      subscriber.awaitAck("resume");
      Poll.until("every reading", WAIT, () -> subscriber.messagesOn("readings/").size() >= total);
      List<Long> got = subscriber.messagesOn("readings/").stream().map(m -> m.getJsonObject("payload").getLong("ts")).toList();
      assertEquals(total, got.size(), "none repeated");
      assertEquals(total, got.stream().distinct().count(), "none repeated");
      assertEquals(range(base, base + total - 1), got.stream().sorted().toList(), "none missing");
    }
    assertTrue(resumed.size() >= 10);
  }

  /** Verifies that the replay bound cuts per request and reports each device cut off on $hub/gap with its range and count. */
  @Test
  void theReplayLimitIsReportedAsAGap(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir, o -> o.withSubscribers(o.subscribers().withResumeLimit(50)));
    long base = Instant.now().getEpochSecond() - 1000;
    for (String id : List.of("dev-a", "dev-b", "dev-c")) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), id);
      for (int i = 0; i < 40; i++) {
        device.sendPackets(20f, base + i, 40f, 1000f);
      }
      device.awaitAck(40, WAIT);
    }
    SubscriberClient subscriber = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "readings/#");
    subscriber.send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray(List.of("readings/+")))
        .put("id", 1).put("since", 0));
    subscriber.awaitAck(1);
    assertEquals(40, subscriber.messagesOn("readings/dev-a").size());
    assertEquals(10, subscriber.messagesOn("readings/dev-b").size());
    assertEquals(0, subscriber.messagesOn("readings/dev-c").size());
    List<JsonObject> gaps = subscriber.messagesOn("$hub/gap").stream().map(m -> m.getJsonObject("payload")).toList();
    assertEquals(List.of(
        new JsonObject().put("channel", "readings/dev-b").put("from", base + 10).put("to", base + 39).put("count", 30)
            .put("reason", "replay-limit"),
        new JsonObject().put("channel", "readings/dev-c").put("from", base).put("to", base + 39).put("count", 40)
            .put("reason", "replay-limit")), gaps);
  }

  /**
   * Verifies a replay read in several pages: each device's readings come whole and oldest first
   * across page boundaries, the limit cuts in the middle of one, and the ack comes after all of it.
   */
  @Test
  void aReplayOfManyPagesKeepsOrderAndLimit(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir, o -> o.withSubscribers(o.subscribers().withResumeLimit(700)));
    long base = Instant.now().getEpochSecond() - 5000;
    for (String id : List.of("dev-a", "dev-b", "dev-c")) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), id);
      device.sendRun(base, 300);
      device.sendRun(base + 300, 200);
      device.awaitAck(500, WAIT);
    }
    SubscriberClient subscriber = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "readings/#");
    subscriber.send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray(List.of("readings/+")))
        .put("id", 1).put("since", base + 99));
    subscriber.awaitAck(1);
    List<String> order = new ArrayList<>();
    for (JsonObject message : subscriber.received()) {
      if (message.containsKey("ack")) {
        break;
      }
      JsonObject payload = message.getJsonObject("payload");
      order.add(message.getString("channel").startsWith("$hub/gap") ? "gap " + payload.getString("channel")
          : payload.getString("device") + " " + payload.getLong("ts"));
    }
    List<String> expected = new ArrayList<>();
    range(base + 100, base + 499).forEach(ts -> expected.add("dev-a " + ts));
    range(base + 100, base + 399).forEach(ts -> expected.add("dev-b " + ts));
    expected.add("gap readings/dev-b");
    expected.add("gap readings/dev-c");
    assertEquals(expected, order, "dev-a whole, dev-b up to the limit of 700, then the gaps, all before the ack");
  }

  /** Verifies that a bad 'since' gets an error reply and the connection stays usable. */
  @Test
  void aBadSinceIsAnErrorReply(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir);
    SubscriberClient subscriber = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "readings/#");
    subscriber.send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray(List.of("readings/+")))
        .put("id", 1).put("since", "yesterday"));
    JsonObject error = subscriber.await("the error", m -> m.containsKey("error"));
    assertEquals("'since' must be a time in epoch seconds (a whole number from 0 to 4294967295)", error.getString("error"));
    subscriber.subscribe(2, "readings/+");
  }

  private static List<Long> range(long from, long to) {
    List<Long> all = new ArrayList<>();
    for (long ts = from; ts <= to; ts++) {
      all.add(ts);
    }
    return all;
  }
}
