package org.telemetryhub.hub.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.telemetryhub.hub.protocol.PacketCodec;

/** A device over a real Vert.x WebSocket client: sends packets, records acks and how the socket closed. */
public final class DeviceClient {

  public record Closed(int code, String reason) {
  }

  private final WebSocket ws;
  /**
   * The client the socket came from, held for as long as the socket: Vert.x 5 closes a client that
   * is no longer referenced (its cleaner), and its sockets with it (close 1000 at some GC).
   */
  private final WebSocketClient client;
  private final AtomicLong lastAck = new AtomicLong();
  private volatile Runnable onAck = () -> { };
  private final Promise<Closed> closed = Promise.promise();

  private DeviceClient(WebSocket ws, WebSocketClient client) {
    this.ws = ws;
    this.client = client;
    ws.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      lastAck.accumulateAndGet(message.getLong("ack"), Math::max);
      onAck.run();
    });
    ws.closeHandler(ignored -> closed.tryComplete(new Closed(
        ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode(), ws.closeReason())));
  }

  public static WebSocketClient client(Vertx vertx) {
    // Large enough to send the oversized frames the bad-input tests need.
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  /** A device over a socket opened some other way (wss://, another client's options). */
  public static DeviceClient wrap(WebSocket ws, WebSocketClient client) {
    return new DeviceClient(ws, client);
  }

  public static Future<DeviceClient> connect(WebSocketClient client, int port, String deviceId, String token) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI("/ws/devices/" + deviceId);
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return client.connect(options).map(ws -> new DeviceClient(ws, client));
  }

  /** Connects and waits for the socket; fails the test if the upgrade is refused. */
  public static DeviceClient open(WebSocketClient client, int port, String deviceId) {
    return await(connect(client, port, deviceId, TestHub.token(deviceId)));
  }

  /** The HTTP status with which the hub refused the upgrade; fails the test if it was accepted. */
  public static int refusedStatus(WebSocketClient client, int port, String uri, String token, boolean tokenInQuery) {
    int status = upgradeStatus(client, port, uri, token, tokenInQuery);
    if (status == 101) {
      throw new AssertionError("the hub accepted the upgrade of " + uri);
    }
    return status;
  }

  /** The HTTP status of an upgrade: 101 when accepted (the socket is closed at once), else the refusal's. */
  public static int upgradeStatus(WebSocketClient client, int port, String uri, String token, boolean tokenInQuery) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(tokenInQuery && token != null ? uri + "?token=" + token : uri);
    if (!tokenInQuery && token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    try {
      client.connect(options).await(10, TimeUnit.SECONDS).close();
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new AssertionError("connect to " + uri + " failed without an HTTP status: " + e, e);
    }
  }

  /** Sends readings in one binary frame: {@code values} is t, ts, h, p repeated. */
  public void sendPackets(Object... values) {
    Buffer frame = Buffer.buffer();
    for (int i = 0; i < values.length; i += 4) {
      PacketCodec.encode(((Number) values[i]).floatValue(), ((Number) values[i + 1]).longValue(),
          ((Number) values[i + 2]).floatValue(), ((Number) values[i + 3]).floatValue(), frame);
    }
    sendBinary(frame);
  }

  /** Sends {@code count} readings with the timestamps {@code firstTs} on, one second apart, in one frame. */
  public void sendRun(long firstTs, int count) {
    Buffer frame = Buffer.buffer(count * PacketCodec.PACKET_SIZE);
    for (int k = 0; k < count; k++) {
      PacketCodec.encode(20f, firstTs + k, 40f, 1000f, frame);
    }
    sendBinary(frame);
  }

  public void sendBinary(Buffer frame) {
    ws.writeFrame(WebSocketFrame.binaryFrame(frame, true));
  }

  public void sendText(String text) {
    ws.writeTextMessage(text);
  }

  /** Runs {@code action} on the client's event loop after every ack (after {@link #lastAck()} moved). */
  public void onAck(Runnable action) {
    this.onAck = action;
  }

  public long lastAck() {
    return lastAck.get();
  }

  public void awaitAck(long expected, Duration timeout) {
    Poll.untilEquals("ack", timeout, expected, lastAck::get);
  }

  public Closed awaitClose(Duration timeout) {
    return await(closed.future(), timeout);
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  public void close() {
    ws.close();
  }

  public static <T> T await(Future<T> future) {
    return await(future, Duration.ofSeconds(10));
  }

  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e.toString(), e);
    }
  }
}
