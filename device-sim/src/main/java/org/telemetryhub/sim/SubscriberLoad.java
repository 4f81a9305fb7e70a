package org.telemetryhub.sim;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.telemetryhub.hub.client.WebSocketTarget;

/** Subscribers beside the fleet, for measuring fan-out: each subscribes to a filter and counts what it receives. */
final class SubscriberLoad {

  private final LongAdder received = new LongAdder();
  private final List<WebSocket> sockets = new ArrayList<>();
  /** Counted down by each subscriber's first reply (the ack of its subscription). */
  private CountDownLatch subscribed;
  /** Held for the fleet's lifetime: Vert.x closes a WebSocketClient (and its sockets) once nothing references it. */
  private WebSocketClient client;

  /** Opens {@code count} subscriber connections (on the given contexts, in turn) to {@code filter}. */
  static SubscriberLoad start(Vertx vertx, List<Context> contexts, FleetSettings settings, String token, FleetStats stats) {
    SubscriberLoad load = new SubscriberLoad();
    load.subscribed = new CountDownLatch(settings.subscribers);
    stats.startSampling();
    WebSocketClient client = load.client = vertx.createWebSocketClient(settings.clientOptions()
        .setMaxConnections(settings.subscribers + 1).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    for (int i = 0; i < settings.subscribers; i++) {
      boolean measures = i == 0; // the first subscriber measures device send to receipt
      WebSocketConnectOptions options = WebSocketTarget.connectOptions(settings.subscribeUrl(), "/ws/subscribe", token);
      contexts.get(i % contexts.size()).runOnContext(ignored -> client.connect(options).onSuccess(ws -> {
        synchronized (load.sockets) {
          load.sockets.add(ws);
        }
        boolean[] acked = {false};
        ws.textMessageHandler(message -> {
          if (!acked[0] && message.startsWith("{\"ack\"")) {
            acked[0] = true;
            load.subscribed.countDown();
          } else if (message.startsWith(READINGS_PREFIX)) {
            load.received.increment();
            if (measures) {
              measure(message, stats);
            }
          }
        });
        ws.writeTextMessage(new JsonObject().put("action", "subscribe")
            .put("channels", new JsonArray().add(settings.subscribeFilter)).put("policy", "drop-oldest").put("id", "load").encode());
      }).onFailure(e -> System.err.println("device-sim: subscriber could not connect: " + e.getMessage())));
    }
    return load;
  }

  private static final String READINGS_PREFIX = "{\"channel\":\"readings/";

  /** Reads device and ts from {"channel":"readings/DEVICE","payload":{..."ts":TS,...}} without a JSON parse. */
  private static void measure(String message, FleetStats stats) {
    long now = System.nanoTime();
    int deviceEnd = message.indexOf('"', READINGS_PREFIX.length());
    int tsStart = message.indexOf("\"ts\":", deviceEnd) + 5;
    int tsEnd = message.indexOf(',', tsStart);
    if (deviceEnd > 0 && tsStart > 4 && tsEnd > tsStart) {
      stats.receivedBySubscriber(message.substring(READINGS_PREFIX.length(), deviceEnd),
          Long.parseLong(message, tsStart, tsEnd, 10), now);
    }
  }

  /** Waits (at most {@code timeout}) until every subscriber's subscription is acknowledged; whether they all were. */
  boolean awaitSubscribed(Duration timeout) throws InterruptedException {
    return subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  long received() {
    return received.sum();
  }

  int connected() {
    synchronized (sockets) {
      return sockets.size();
    }
  }
}
