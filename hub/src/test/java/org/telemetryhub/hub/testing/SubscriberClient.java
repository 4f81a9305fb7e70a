package org.telemetryhub.hub.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.telemetryhub.hub.auth.TokenService;

/** A subscriber over a real Vert.x WebSocket client: sends requests, records every message the hub sends. */
public final class SubscriberClient {

  private final WebSocket ws;
  /**
   * The client the socket came from, held for as long as the socket: Vert.x 5 closes a client that
   * is no longer referenced (its cleaner), and its sockets with it (close 1000 at some GC).
   */
  private final WebSocketClient client;
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final Promise<DeviceClient.Closed> closed = Promise.promise();

  private SubscriberClient(WebSocket ws, WebSocketClient client) {
    this.ws = ws;
    this.client = client;
    ws.textMessageHandler(text -> received.add(new JsonObject(text)));
    ws.closeHandler(ignored -> closed.tryComplete(new DeviceClient.Closed(
        ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode(), ws.closeReason())));
  }

  public static WebSocketClient client(Vertx vertx, boolean compress) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(compress)
        .setMaxConnections(100));
  }

  public static Future<SubscriberClient> connect(WebSocketClient client, int port, String token, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws/subscribe");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    return client.connect(options).map(ws -> new SubscriberClient(ws, client));
  }

  /** Connects with a token granting {@code channels}. */
  public static SubscriberClient open(WebSocketClient client, int port, String... channels) {
    return DeviceClient.await(connect(client, port, subscriberToken(channels), null));
  }

  public static String subscriberToken(String... channels) {
    Vertx vertx = Vertx.vertx();
    try {
      return TokenService.withSecret(vertx, TestHub.SECRET).issueSubscriberToken("tester", List.of(channels), null);
    } finally {
      vertx.close();
    }
  }

  public WebSocket socket() {
    return ws;
  }

  public void send(JsonObject request) {
    ws.writeTextMessage(request.encode());
  }

  public void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  /** Subscribes and waits for the ack. */
  public void subscribe(Object id, String... channels) {
    send(new JsonObject().put("action", "subscribe").put("channels", new JsonArray(List.of(channels))).put("id", id));
    awaitAck(id);
  }

  public void awaitAck(Object id) {
    await("ack " + id, m -> id.equals(m.getValue("ack")));
  }

  /** Waits for a message matching {@code what}; returns it. */
  public JsonObject await(String description, Predicate<JsonObject> what) {
    return await(description, Duration.ofSeconds(10), what);
  }

  /** Waits up to {@code timeout} for a message matching {@code what}; returns it. */
  public JsonObject await(String description, Duration timeout, Predicate<JsonObject> what) {
    try {
      Poll.until(description, timeout, () -> received.stream().anyMatch(what));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; received: " + received, e);
    }
    return received.stream().filter(what).findFirst().orElseThrow();
  }

  public List<JsonObject> received() {
    return received;
  }

  /** Messages on channels (not acks or errors). */
  public List<JsonObject> messagesOn(String channelPrefix) {
    return received.stream().filter(m -> m.getString("channel", "").startsWith(channelPrefix)).toList();
  }

  public DeviceClient.Closed awaitClose(Duration timeout) {
    try {
      return closed.future().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("subscriber not closed within " + timeout, e);
    }
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }
}
