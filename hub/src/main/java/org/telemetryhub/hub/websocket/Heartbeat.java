package org.telemetryhub.hub.websocket;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;

/**
 * The hub's side of ping/pong for one socket (device or subscriber): a ping every interval, and
 * a timeout when nothing at all (no pong, no frame) arrived for the timeout. Runs on the socket's
 * event loop. A dead connection is noticed between {@code timeout} and {@code timeout + interval}
 * after its last sign of life.
 */
final class Heartbeat {

  /** What the owner of the socket does on each tick and on a timeout. */
  public interface Listener {
    void onTimeout(long quietMillis);

    default void onTick() {
    }
  }

  private static final Buffer EMPTY = Buffer.buffer();

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final long intervalMillis;
  private final long timeoutNanos;
  private final Listener listener;
  private long lastHeardNanos = System.nanoTime();
  private boolean suspended;
  private long timer = -1;

  Heartbeat(Vertx vertx, ServerWebSocket ws, Duration interval, Duration timeout, Listener listener) {
    this.vertx = vertx;
    this.ws = ws;
    this.intervalMillis = interval.toMillis();
    this.timeoutNanos = timeout.toNanos();
    this.listener = listener;
  }

  void start() {
    ws.pongHandler(pong -> heard());
    timer = vertx.setPeriodic(intervalMillis, id -> tick());
  }

  /** Something arrived from the peer: it is alive. */
  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  /**
   * While the hub itself stops reading the socket (backpressure), the peer's pongs cannot be
   * heard: no timeout then, and the clock restarts on resume.
   */
  void suspend(boolean suspend) {
    suspended = suspend;
    heard();
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void tick() {
    long quietNanos = System.nanoTime() - lastHeardNanos;
    if (!suspended && quietNanos > timeoutNanos) {
      stop();
      listener.onTimeout(quietNanos / 1_000_000);
      return;
    }
    ws.writePing(EMPTY);
    listener.onTick();
  }
}
