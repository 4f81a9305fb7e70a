package org.telemetryhub.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.telemetryhub.hub.client.Backoff;
import org.telemetryhub.hub.client.WebSocketTarget;
import org.telemetryhub.hub.protocol.PacketCodec;

/**
 * One simulated device, behaving like good firmware: readings go into an outbox that only acks
 * clear; on a lost connection it reconnects with exponential backoff and jitter and sends the
 * outbox again, in order; a watchdog reconnects when the hub's pings stop. Every method runs on
 * the device's own event-loop context.
 */
final class SimDevice {

  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;
  private static final long LOAD_TICK_MILLIS = 10;
  private static final long LOAD_START_AGE_SECONDS = Duration.ofDays(20).toSeconds();

  private final String id;
  /** Readings of this device acked so far: written on its context, read by the fleet's spread timer. */
  private volatile long ackedTotal;
  private final Context context;
  private final FleetSettings settings;
  private final FleetStats stats;
  private final WebSocketClient client;
  private final List<WebSocketConnectOptions> connectOptions;
  private int nextHub;
  private final Outbox outbox;
  private final SensorModel sensor;
  private final Backoff backoff;
  private final ReadingListener listener;
  private final long watchdogNanos;

  private WebSocket ws;
  private boolean connecting;
  private boolean generating = true;
  private boolean stopped;
  private long lastPingNanos;
  private long lastTs;
  private long generateTimer = -1;
  private double loadBudget;
  private long watchdogTimer = -1;

  SimDevice(String id, int index, Context context, FleetSettings settings, FleetStats stats, WebSocketClient client,
            String token, ReadingListener listener) {
    this.id = id;
    this.context = context;
    this.settings = settings;
    this.stats = stats;
    this.client = client;
    this.listener = listener;
    this.outbox = new Outbox(settings.outbox);
    this.sensor = new SensorModel(settings.seed, index, settings.faults());
    this.backoff = new Backoff(settings.backoffInitial, settings.backoffMax, new SplittableRandom(settings.seed + index));
    this.watchdogNanos = settings.watchdog.toNanos();
    this.lastTs = settings.load ? Instant.now().getEpochSecond() - LOAD_START_AGE_SECONDS : 0;
    // Each device starts on one hub in turn and moves to the next on every reconnect.
    this.connectOptions = settings.urls.stream()
        .map(url -> WebSocketTarget.connectOptions(url, "/ws/devices/" + id, token)).toList();
    this.nextHub = index % connectOptions.size();
  }

  String id() {
    return id;
  }

  Context context() {
    return context;
  }

  /**
   * Connects after {@code delayMillis} (the ramp-up) and generates from {@code phase} (a fraction
   * of the period, 0 to 1) on; call on the device's context.
   */
  void start(long delayMillis, double phase) {
    context.owner().setTimer(Math.max(1, delayMillis), ignored -> connect());
    if (!settings.load) {
      long period = Math.max(1, Math.round(1000 / settings.rate));
      generateTimer = context.owner().setPeriodic(1 + Math.round(period * phase), period, ignored -> {
        generate();
        flush();
      });
    } else if (settings.loadRate > 0) {
      // A steady load: every 10 ms, the readings due at --load-rate per second.
      generateTimer = context.owner().setPeriodic(LOAD_TICK_MILLIS, ignored -> {
        loadBudget += settings.loadRate * LOAD_TICK_MILLIS / 1000.0;
        for (; loadBudget >= 1; loadBudget--) {
          generate();
        }
        flush();
      });
    }
    long checkEvery = Math.max(100, Math.min(1000, settings.watchdog.toMillis() / 4));
    watchdogTimer = context.owner().setPeriodic(checkEvery, ignored -> checkWatchdog());
  }

  private void generate() {
    long ts = settings.load ? lastTs + 1 : Math.max(Instant.now().getEpochSecond(), lastTs + 1);
    lastTs = ts;
    SensorModel.Values values = sensor.next(ts);
    if (!outbox.add(values.temperature(), ts, values.humidity(), values.pressure())) {
      stats.lost.increment();
    }
    stats.generated.increment();
    listener.generated(id, ts, values);
  }

  private void connect() {
    if (stopped || ws != null || connecting) {
      return;
    }
    connecting = true;
    WebSocketConnectOptions hub = connectOptions.get(nextHub);
    nextHub = (nextHub + 1) % connectOptions.size();
    client.connect(hub).onComplete(result -> {
      connecting = false;
      if (result.succeeded()) {
        onOpen(result.result());
      } else {
        stats.connectFailed(ConnectFailure.describe(result.cause(), hub.getHost() + ":" + hub.getPort()));
        scheduleReconnect();
      }
    });
  }

  private void onOpen(WebSocket socket) {
    if (stopped) {
      socket.close();
      return;
    }
    ws = socket;
    backoff.reset();
    stats.connected.incrementAndGet();
    outbox.newConnection();
    lastPingNanos = System.nanoTime();
    socket.frameHandler(this::onFrame);
    socket.exceptionHandler(ignored -> { }); // a failing socket ends in the close handler
    socket.closeHandler(ignored -> onClosed(socket));
    flush();
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame.type() == WebSocketFrameType.PING) {
      lastPingNanos = System.nanoTime(); // Vert.x has already answered it with a pong
    } else if (frame.isText() && frame.isFinal()) {
      Long acked = new JsonObject(frame.textData()).getLong("ack");
      if (acked != null) {
        onAck(acked);
      }
    }
  }

  private void onAck(long ackedCount) {
    long now = System.nanoTime();
    int removed = outbox.ack(ackedCount, sentNanos -> stats.ackLatency(sentNanos, now));
    stats.acked.add(removed);
    ackedTotal += removed;
    if (settings.load) {
      flush();
    }
  }

  /** Sends whatever the outbox holds unsent, in frames of up to {@code batch}, within the window in load mode. */
  private void flush() {
    WebSocket socket = ws;
    // A socket closed by the hub (or taken over by another connection of the same id) stays in
    // ws until its close handler runs: asking it anything then throws "WebSocket is closed".
    while (socket != null && !socket.isClosed()) {
      if (settings.load && settings.loadRate == 0) {
        while (generating && outbox.size() < settings.window) {
          generate();
        }
      }
      int room = settings.load ? settings.window - outbox.inFlight() : settings.batch;
      if (!outbox.hasUnsent() || room <= 0) {
        return;
      }
      if (socket.writeQueueFull()) {
        socket.drainHandler(ignored -> flush());
        return;
      }
      Buffer frame = Buffer.buffer(Math.min(settings.batch, room) * PacketCodec.PACKET_SIZE);
      long now = System.nanoTime();
      int packets = outbox.nextFrame(frame, Math.min(settings.batch, room), now, ts -> stats.sampleSend(id, ts, now));
      socket.writeBinaryMessage(frame);
      stats.sent.add(packets);
    }
  }

  private void onClosed(WebSocket socket) {
    if (ws != socket) {
      return;
    }
    ws = null;
    stats.connected.decrementAndGet();
    if (!stopped) {
      stats.reconnects.increment();
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    if (!stopped) {
      context.owner().setTimer(backoff.nextDelayMillis(), ignored -> connect());
    }
  }

  private void checkWatchdog() {
    if (ws != null && System.nanoTime() - lastPingNanos > watchdogNanos) {
      stats.watchdogResets.increment();
      SocketFaults.drop(ws);
    }
  }

  // ---- chaos, each run on the device's context by the Chaos scheduler ----

  void dropConnection() {
    if (ws != null) {
      SocketFaults.drop(ws);
    }
  }

  void goDeaf(Duration duration) {
    WebSocket socket = ws;
    if (socket == null) {
      return;
    }
    SocketFaults.deaf(socket, true);
    context.owner().setTimer(duration.toMillis(), ignored -> SocketFaults.deaf(socket, false));
  }

  void sendMalformedFrame() {
    if (ws != null) {
      ws.writeBinaryMessage(Buffer.buffer(new byte[PacketCodec.PACKET_SIZE + 1]));
      stats.malformedSent.increment();
    }
  }

  // ---- the end of a run ----

  void stopGenerating() {
    generating = false;
    context.owner().cancelTimer(generateTimer);
  }

  /** Closes the connection (1000) for good; completes once it is closed. */
  Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(ignored -> {
      stopped = true;
      context.owner().cancelTimer(generateTimer);
      context.owner().cancelTimer(watchdogTimer);
      if (ws == null) {
        closed.complete();
      } else {
        ws.close().onComplete(result -> closed.tryComplete());
        // A socket the network (or the watchdog) just dropped may never finish a closing handshake.
        context.owner().setTimer(CLOSE_TIMEOUT_MILLIS, id -> closed.tryComplete());
      }
    });
    return closed.future();
  }

  long ackedTotal() {
    return ackedTotal;
  }
}
