package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;

/** The subscriber channel of docs/subscriber-protocol.md over real sockets. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SubscriberIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private TestHub hub;
  private WebSocketClient devices;
  private WebSocketClient subscribers;
  private final long now = Instant.now().getEpochSecond();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir, o -> o.withSubscribers(o.subscribers().withRequestLimits(5, 6)
        .withAllowedOrigins(List.of("https://dashboard.example"))));
    devices = DeviceClient.client(vertx);
    subscribers = SubscriberClient.client(vertx, false);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private SubscriberClient subscriber(String... subscriptions) {
    SubscriberClient subscriber = SubscriberClient.open(subscribers, hub.port(), "#");
    subscriber.subscribe("s", subscriptions);
    return subscriber;
  }

  /** Channels seen by a subscriber, each with how many messages. */
  private static Map<String, Long> channels(SubscriberClient subscriber, String kind) {
    return subscriber.messagesOn(kind).stream()
        .collect(Collectors.groupingBy(m -> m.getString("channel"), java.util.TreeMap::new, Collectors.counting()));
  }

  /** Verifies routing over a matrix of filters: exact, +, #, overlapping filters on one connection, several connections. */
  @Test
  void everySubscriberGetsExactlyWhatItsFiltersMatchAndEachMessageOnce() {
    SubscriberClient exact = subscriber("readings/dev-1");
    SubscriberClient plus = subscriber("readings/+");
    SubscriberClient kindless = subscriber("+/dev-2");
    SubscriberClient everything = subscriber("#");
    SubscriberClient overlapping = subscriber("readings/dev-1", "readings/+", "readings/#", "#");
    SubscriberClient nothingHere = subscriber("alerts/+");

    DeviceClient dev1 = DeviceClient.open(devices, hub.port(), "dev-1");
    DeviceClient dev2 = DeviceClient.open(devices, hub.port(), "dev-2");
    dev1.sendPackets(21f, now, 40f, 1000f, 22f, now + 1, 41f, 1001f);
    dev2.sendPackets(23f, now, 42f, 1002f);
    dev1.awaitAck(2, WAIT);
    dev2.awaitAck(1, WAIT);
    Poll.untilEquals("readings at the overlapping subscriber", WAIT, 3, () -> overlapping.messagesOn("readings/").size());
    Poll.untilEquals("readings at everything", WAIT, 3, () -> everything.messagesOn("readings/").size());

    assertEquals(Map.of("readings/dev-1", 2L), channels(exact, "readings/"));
    assertEquals(Map.of("readings/dev-1", 2L, "readings/dev-2", 1L), channels(plus, "readings/"));
    assertEquals(Map.of("readings/dev-2", 1L), channels(kindless, "readings/"));
    assertEquals(Map.of("status/dev-2", 1L), channels(kindless, "status/"));
    assertEquals(Map.of("readings/dev-1", 2L, "readings/dev-2", 1L), channels(overlapping, "readings/"),
        "once per message however many filters match");
    assertEquals(Map.of("status/dev-1", 1L, "status/dev-2", 1L), channels(everything, "status/"));
    assertEquals(List.of(), nothingHere.messagesOn("readings/"));

    JsonObject payload = exact.messagesOn("readings/").get(0).getJsonObject("payload");
    assertEquals(new JsonObject().put("device", "dev-1").put("ts", now).put("temperature", 21.0)
        .put("humidity", 40.0).put("pressure", 1000.0), payload);
  }

  /** Verifies 'last': the latest reading and current status of every matching device come first, then the ack, then live messages. */
  @Test
  void lastSendsRetainedMessagesBeforeTheAck() {
    DeviceClient dev1 = DeviceClient.open(devices, hub.port(), "dev-1");
    dev1.sendPackets(20f, now - 1, 40f, 1000f, 21.5f, now, 40.5f, 1001f);
    dev1.awaitAck(2, WAIT);
    DeviceClient.open(devices, hub.port(), "dev-2"); // online, no reading yet
    hub.api().awaitOnline("dev-2");

    SubscriberClient late = SubscriberClient.open(subscribers, hub.port(), "#");
    late.send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray().add("readings/+").add("status/+"))
        .put("id", 7).put("last", true));
    late.awaitAck(7);
    List<JsonObject> got = List.copyOf(late.received());
    int ackAt = got.indexOf(new JsonObject().put("ack", 7));
    Set<String> beforeAck = got.subList(0, ackAt).stream().map(m -> m.getString("channel")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("readings/dev-1", "status/dev-1", "status/dev-2"), beforeAck);
    JsonObject reading = got.stream().filter(m -> "readings/dev-1".equals(m.getString("channel"))).findFirst().orElseThrow();
    assertEquals(21.5, reading.getJsonObject("payload").getDouble("temperature"), "the latest reading");
    JsonObject status = got.stream().filter(m -> "status/dev-2".equals(m.getString("channel"))).findFirst().orElseThrow();
    assertEquals("online", status.getJsonObject("payload").getString("state"));

    dev1.sendPackets(22f, now + 1, 41f, 1002f);
    late.await("a live reading", m -> m.getJsonObject("payload", new JsonObject()).getLong("ts", 0L) == now + 1);
  }

  /** Verifies unsubscribe: after its ack no more messages of that channel arrive; ids may be strings or numbers. */
  @Test
  void unsubscribeStopsTheChannel() {
    SubscriberClient subscriber = subscriber("readings/+", "status/+");
    DeviceClient dev1 = DeviceClient.open(devices, hub.port(), "dev-1");
    dev1.sendPackets(20f, now, 40f, 1000f);
    subscriber.await("first reading", m -> "readings/dev-1".equals(m.getString("channel")));

    subscriber.send(new JsonObject().put("action", "unsubscribe").put("channels", new JsonArray().add("readings/+")).put("id", "u-1"));
    subscriber.awaitAck("u-1");
    dev1.sendPackets(21f, now + 1, 40f, 1000f);
    dev1.awaitAck(2, WAIT);
    dev1.close();
    subscriber.await("offline status (still subscribed)", m -> "status/dev-1".equals(m.getString("channel"))
        && "offline".equals(m.getJsonObject("payload").getString("state")));
    assertEquals(1, subscriber.messagesOn("readings/").size(), "nothing after the unsubscribe");
  }

  /**
   * Verifies over the wire that bad requests get error replies and leave the connection working,
   * with the limits this hub was started with; every reply of the protocol is in SubscriberProtocolTest.
   */
  @Test
  void badRequestsGetAnErrorAndTheConnectionStaysOpen() {
    SubscriberClient subscriber = SubscriberClient.open(subscribers, hub.port(), "readings/+");
    subscriber.sendRaw("not json");
    subscriber.await("malformed", m -> "malformed request: not a JSON object".equals(m.getString("error")));
    subscriber.sendRaw("{\"action\":\"subscribe\",\"channels\":[\"readings/#/x\",\"readings/dev-1\"],\"id\":3}");
    JsonObject malformed = subscriber.await("malformed filter", m -> "readings/#/x".equals(m.getString("channel"))
        && m.containsKey("error"));
    assertEquals(3, malformed.getInteger("id"));
    subscriber.awaitAck(3);
    subscriber.sendRaw("{\"action\":\"subscribe\",\"channels\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"],\"id\":4}");
    subscriber.await("too many channels", m -> "too many channels in one request: 6 > 5".equals(m.getString("error")));
    subscriber.socket().writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, 3}));
    subscriber.await("binary", m -> m.getString("error", "").startsWith("binary frames are not accepted"));
    subscriber.sendRaw("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-2\",\"readings/dev-3\",\"readings/dev-4\","
        + "\"readings/dev-5\",\"readings/dev-6\"],\"id\":6}");
    subscriber.awaitAck(6); // with readings/dev-1 from request 3, six subscriptions: the limit
    subscriber.sendRaw("{\"action\":\"subscribe\",\"channels\":[\"readings/dev-7\"],\"id\":7}");
    subscriber.await("subscription limit", m -> m.getString("error", "").startsWith("subscription limit of 6 per connection reached")
        && "readings/dev-7".equals(m.getString("channel")));
    subscriber.awaitAck(7);

    DeviceClient dev1 = DeviceClient.open(devices, hub.port(), "dev-1");
    dev1.sendPackets(20f, now, 40f, 1000f);
    subscriber.await("a reading after all that", m -> "readings/dev-1".equals(m.getString("channel")));
    assertFalse(subscriber.isClosed());
  }

  /** Verifies the channel permissions of subscriber tokens, and the 401s. */
  @Test
  void tokensLimitChannelsAndBadTokensAreRefused() {
    SubscriberClient limited = SubscriberClient.open(subscribers, hub.port(), "readings/+");
    limited.send(new JsonObject().put("action", "subscribe")
        .put("channels", new JsonArray().add("status/#").add("readings/dev-1").add("#")).put("id", 1));
    limited.awaitAck(1);
    List<String> refused = limited.received().stream().filter(m -> m.containsKey("error"))
        .map(m -> m.getString("channel")).sorted().toList();
    assertEquals(List.of("#", "status/#"), refused, "errors name the channels outside the token");
    assertTrue(limited.received().stream().anyMatch(m -> m.getString("error", "").equals("not permitted: your token does not grant 'status/#'")));
    DeviceClient dev1 = DeviceClient.open(devices, hub.port(), "dev-1");
    dev1.sendPackets(20f, now, 40f, 1000f);
    limited.await("the permitted channel still applies", m -> "readings/dev-1".equals(m.getString("channel")));

    assertEquals(401, status(null, null), "no token");
    assertEquals(401, status(TestHub.token("dev-1"), null), "a device token");
    assertEquals(401, status(org.telemetryhub.hub.testing.Tokens.signedWith("some-other-secret-some-other-secret-1",
        "dev-1", null), null), "bad signature");
  }

  /** Verifies the origin check for browsers: a foreign origin is refused, the hub's own and configured ones are accepted. */
  @Test
  void crossSiteUpgradesFromOriginsNotAllowedAreRefused() {
    String token = SubscriberClient.subscriberToken("#");
    assertEquals(403, status(token, "https://evil.example"));
    DeviceClient.await(SubscriberClient.connect(subscribers, hub.port(), token, "https://dashboard.example"));
    DeviceClient.await(SubscriberClient.connect(subscribers, hub.port(), token, "http://127.0.0.1:" + hub.port()));
  }

  private int status(String token, String origin) {
    try {
      SubscriberClient.connect(subscribers, hub.port(), token, origin).await(10, TimeUnit.SECONDS);
    } catch (io.vertx.core.http.UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return 101;
  }

  /** Verifies status messages on connect, silence and disconnect. */
  @Test
  void statusMessagesFollowTheDevice(Vertx vertx) throws Exception {
    hub.close();
    hub = TestHub.start(dataDir, o -> o.withLiveness(o.liveness().withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(400))
        .withSilentAfter(Duration.ofMillis(300))));
    SubscriberClient subscriber = SubscriberClient.open(subscribers, hub.port(), "#");
    subscriber.subscribe(1, "status/+");
    DeviceClient quiet = DeviceClient.open(devices, hub.port(), "quiet-1");
    subscriber.await("silent", m -> "silent".equals(m.getJsonObject("payload", new JsonObject()).getString("state")));
    quiet.sendPackets(20f, now, 40f, 1000f);
    subscriber.await("online again", m -> "reading".equals(m.getJsonObject("payload", new JsonObject()).getString("reason")));
    quiet.close();
    subscriber.await("offline", m -> "offline".equals(m.getJsonObject("payload", new JsonObject()).getString("state")));
    List<String> states = subscriber.messagesOn("status/quiet-1").stream()
        .map(m -> m.getJsonObject("payload").getString("state")).toList();
    assertEquals(List.of("online", "silent", "online", "offline"), states);
    JsonObject first = subscriber.messagesOn("status/quiet-1").get(0).getJsonObject("payload");
    assertEquals(Set.of("device", "state", "since", "reason"), first.fieldNames());
  }

  /** Verifies permessage-deflate: negotiated for a subscriber that asks, never on the device channel. */
  @Test
  void subscribersMayCompressDevicesNever(Vertx vertx) {
    WebSocketClient compressing = SubscriberClient.client(vertx, true);
    SubscriberClient subscriber = DeviceClient.await(SubscriberClient.connect(compressing, hub.port(),
        SubscriberClient.subscriberToken("#"), null));
    assertTrue(String.valueOf(subscriber.socket().headers().get("sec-websocket-extensions")).contains("permessage-deflate"),
        "negotiated: " + subscriber.socket().headers());
    subscriber.subscribe(1, "readings/+");
    SubscriberClient plain = subscriber("readings/+");
    assertEquals(null, plain.socket().headers().get("sec-websocket-extensions"), "off when not asked for");

    io.vertx.core.http.WebSocketConnectOptions device = new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(hub.port()).setURI("/ws/devices/zip-1")
        .addHeader("Authorization", "Bearer " + TestHub.token("zip-1"));
    io.vertx.core.http.WebSocket deviceSocket = DeviceClient.await(compressing.connect(device));
    assertEquals(null, deviceSocket.headers().get("sec-websocket-extensions"), "the device channel never negotiates it");
    deviceSocket.writeBinaryMessage(org.telemetryhub.hub.protocol.PacketCodec.encode(20f, now, 40f, 1000f,
        io.vertx.core.buffer.Buffer.buffer()));
    subscriber.await("a compressed reading", m -> "readings/zip-1".equals(m.getString("channel")));
  }

  /** Verifies the subscriber connection limit: one more is closed at once with 1008. */
  @Test
  void subscribersPastTheLimitAreClosedWith1008() throws Exception {
    hub.close();
    hub = TestHub.start(dataDir, o -> o.withSubscribers(o.subscribers().withMaxSubscribers(1)));
    SubscriberClient first = SubscriberClient.open(subscribers, hub.port(), "#");
    SubscriberClient second = SubscriberClient.open(subscribers, hub.port(), "#");
    DeviceClient.Closed closed = second.awaitClose(WAIT);
    assertEquals(1008, closed.code());
    assertEquals("subscriber limit of 1 reached", closed.reason());
    first.subscribe(1, "#");
  }
}
