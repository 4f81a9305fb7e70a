package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/**
 * Subscribers that try to hurt the hub: huge or endless requests, replies never read. Each gets a
 * clear answer or close code, the hub's memory stays bounded, and a well-behaved subscriber and
 * device beside them notice nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class SubscriberAbuseIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private TestHub hub;
  private Vertx vertx;
  private DeviceClient device;
  private SubscriberClient neighbour;
  private long sent;
  private final long now = Instant.now().getEpochSecond();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    hub = TestHub.start(dataDir);
    device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-1");
    neighbour = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "readings/+");
    neighbour.subscribe(1, "readings/+");
  }

  @AfterEach
  void stop() {
    neighbourStillServed();
    hub.close();
  }

  /** The device sends one more reading; it is acked and reaches the neighbouring subscriber. */
  private void neighbourStillServed() {
    long ts = now - 1000 + sent;
    device.sendPackets(20f, ts, 50f, 1000f);
    sent++;
    device.awaitAck(sent, WAIT);
    neighbour.await("reading " + ts, m -> m.getJsonObject("payload") != null && m.getJsonObject("payload").getLong("ts") == ts);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Verifies that one subscriber token opening 1,000 sockets holds only its share: the rest close
   * at once with 1008, and the console's api token still subscribes.
   */
  @Test
  void oneTokenCannotTakeEverySubscriberSlot() throws Exception {
    String greedy = Tokens.subscriber("greedy", "readings/+");
    java.util.List<RawWebSocket> sockets = new java.util.ArrayList<>();
    int refused = 0;
    try {
      for (int i = 0; i < 1000; i++) {
        sockets.add(RawWebSocket.connect(hub.port(), "/ws/subscribe", greedy));
      }
      for (RawWebSocket socket : sockets) {
        RawWebSocket.Frame frame = socket.frameWithin(Duration.ofMillis(500)); // a refused socket has its close at once
        if (frame != null && frame.opcode() == RawWebSocket.CLOSE) {
          assertEquals(1008, frame.closeCode());
          assertEquals("subscriber limit of 10 connections per token reached for subscriber 'greedy'",
              RawWebSocket.closeReason(frame));
          refused++;
        }
      }
      assertEquals(990, refused, "all but the token's 10 closed");
      io.vertx.core.http.WebSocketClient consoleClient = SubscriberClient.client(vertx, false);
      SubscriberClient console = DeviceClient.await(SubscriberClient.connect(consoleClient, hub.port(),
          Tokens.api("console", org.telemetryhub.hub.auth.ApiAccess.Role.READ), null));
      console.subscribe(1, "readings/+");
    } finally {
      for (RawWebSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /**
   * Verifies that a request that is not valid UTF-8 is not read at all: the subscriber gets 1007
   * (RFC 6455 section 8.1) and no error reply or ack, whether the bad bytes sit in one frame or
   * are split across fragments.
   */
  @Test
  void textThatIsNotUtf8Closes1007() throws IOException {
    byte[] prefix = utf8("{\"action\":\"subscribe\",\"channels\":[\"readings/");
    byte[] suffix = utf8("\"],\"id\":1}");
    byte[][] invalid = {{(byte) 0xff}, {(byte) 0xc3, (byte) 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}};
    for (byte[] bad : invalid) {
      for (boolean fragmented : new boolean[] {false, true}) {
        try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/subscribe", SubscriberClient.subscriberToken("readings/+"))) {
          byte[] head = java.util.Arrays.copyOf(prefix, prefix.length + bad.length);
          System.arraycopy(bad, 0, head, prefix.length, bad.length);
          if (fragmented) {
            ws.sendFragment(false, RawWebSocket.TEXT, head);
            ws.sendFragment(true, RawWebSocket.CONTINUATION, suffix);
          } else {
            byte[] whole = java.util.Arrays.copyOf(head, head.length + suffix.length);
            System.arraycopy(suffix, 0, whole, head.length, suffix.length);
            ws.sendFrame(RawWebSocket.TEXT, whole);
          }
          RawWebSocket.Frame first = ws.readFrame();
          assertEquals(RawWebSocket.CLOSE, first.opcode(), "no reply before the close: " + new String(first.payload(), StandardCharsets.UTF_8));
          assertEquals(1007, first.closeCode());
          assertEquals("request is not valid UTF-8 text", RawWebSocket.closeReason(first));
        }
      }
    }
  }

  /** Verifies that an error reply quotes a 60 KB filter in bounded length, once. */
  @Test
  void errorRepliesQuoteBoundedInput() throws IOException {
    String huge = "readings/" + "x".repeat(60_000);
    try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/subscribe", SubscriberClient.subscriberToken("readings/dev-1"))) {
      ws.sendFrame(RawWebSocket.TEXT, utf8(new JsonObject().put("action", "subscribe")
          .put("channels", new JsonArray().add(huge)).put("id", 1).encode()));
      RawWebSocket.Frame reply = ws.readFrame();
      String text = new String(reply.payload(), StandardCharsets.UTF_8);
      assertTrue(text.length() < 512, "reply of " + text.length() + " characters: " + text.substring(0, Math.min(300, text.length())));
      JsonObject error = new JsonObject(text);
      assertTrue(error.getString("error").startsWith("malformed channel filter 'readings/xxx"), text);
      assertTrue(error.getString("channel").endsWith("(60009 characters)"), text);
    }
  }

  /**
   * Verifies that a subscriber sending requests without reading the replies is no longer read
   * from once its replies back up: its requests wait in its own socket, not in the hub's memory.
   * It is not disconnected: when it reads again, the hub reads again.
   */
  @Test
  void requestsWithoutReadingTheRepliesStopBeingRead() throws Exception {
    JsonArray bad = new JsonArray();
    for (int i = 0; i < 100; i++) {
      bad.add("readings/#" + "x".repeat(50) + i); // 100 error replies of about 200 bytes per request of 6 KB
    }
    byte[] request = RawWebSocket.encode(true, 0, RawWebSocket.TEXT,
        utf8(new JsonObject().put("action", "subscribe").put("channels", bad).encode()), true);
    AtomicLong written = new AtomicLong();
    try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/subscribe", SubscriberClient.subscriberToken("readings/dev-1"), 4096)) {
      Thread flood = new Thread(() -> {
        try {
          for (int i = 0; i < 20_000; i++) { // 420 MB of replies, if the hub read every request
            ws.sendRaw(request);
            written.incrementAndGet();
          }
        } catch (IOException closed) {
          // the socket closed at the end of the test
        }
      }, "request-flood");
      flood.setDaemon(true);
      flood.start();
      long[] last = {-1};
      Poll.until("the flood stalls", Duration.ofSeconds(30), () -> {
        long count = written.get();
        boolean stalled = count == last[0] && count > 0;
        last[0] = count;
        sleepQuietly(500); // a window in which a flood the hub still reads would make progress
        return stalled;
      });
      assertTrue(written.get() < 2_000, "requests the hub read before it stopped reading: " + written.get());
      neighbourStillServed();
      assertEquals(200, hub.api().get("/health").status());
      // Reading the replies lets the hub read the rest: the flood completes and the connection is still open.
      Thread reader = new Thread(() -> {
        try {
          while (ws.readFrame() != null) {
            // drain
          }
        } catch (IOException | AssertionError done) {
          // the socket closed at the end of the test
        }
      }, "reply-reader");
      reader.setDaemon(true);
      reader.start();
      Poll.until("every request sent", Duration.ofSeconds(60), () -> written.get() == 20_000);
    }
  }

  /** Verifies that a request over the size limit, in one frame or in fragments, closes with 1009 and a reason. */
  @Test
  void oversizedRequestsClose1009() throws Exception {
    JsonArray channels = new JsonArray();
    for (int i = 0; i < 10_000; i++) {
      channels.add("readings/dev-" + i);
    }
    byte[] request = utf8(new JsonObject().put("action", "subscribe").put("channels", channels).put("id", 1).encode());
    assertTrue(request.length > 160_000, "request of " + request.length + " bytes");
    String token = SubscriberClient.subscriberToken("readings/+");
    try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/subscribe", token)) {
      ws.sendFrame(RawWebSocket.TEXT, request);
      RawWebSocket.Frame close = ws.awaitClose();
      assertEquals(1009, close == null ? 1006 : close.closeCode());
      assertEquals("request larger than the limit of 65536 bytes", RawWebSocket.closeReason(close));
    }
    // A client library splits a long message into frames; the whole message counts.
    SubscriberClient fragmented = SubscriberClient.open(SubscriberClient.client(vertx, false), hub.port(), "readings/+");
    fragmented.socket().writeTextMessage(new String(request, StandardCharsets.UTF_8));
    DeviceClient.Closed closed = fragmented.awaitClose(WAIT);
    assertEquals(1009, closed.code());
    assertEquals("request larger than the limit of 65536 bytes", closed.reason());
  }

  /** Verifies that request ids are echoed only when short: a 10,000-character id is refused without being repeated. */
  @Test
  void longIdsAreRefusedNotEchoed() throws IOException {
    try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/subscribe", SubscriberClient.subscriberToken("readings/dev-1"))) {
      ws.sendFrame(RawWebSocket.TEXT, utf8(new JsonObject().put("action", "subscribe")
          .put("channels", new JsonArray().add("readings/dev-1")).put("id", "i".repeat(10_000)).encode()));
      String reply = new String(ws.readFrame().payload(), StandardCharsets.UTF_8);
      assertEquals("{\"error\":\"'id' must be a number or a string of at most 64 characters\"}", reply);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
