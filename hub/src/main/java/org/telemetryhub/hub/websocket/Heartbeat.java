package org.telemetryhub.hub.websocket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * The hub's side of ping/pong for one socket (device or subscriber): a ping every interval, and
 * a timeout when nothing at all (no pong, no frame) arrived for the timeout. Runs on the socket's
 * event loop, ticked by its wheel ({@link Heartbeats}). A dead connection is noticed between
 * {@code timeout} and {@code timeout + interval} after its last sign of life.
 */
final class Heartbeat {

  /** What the owner of the socket does on each tick and on a timeout. */
  public interface Listener {
    void onTimeout(long quietMillis);

    default void onTick() {
    }
  }

  private static final Buffer EMPTY = Buffer.buffer();

  private final ServerWebSocket ws;
  private final Listener listener;
  private final Heartbeats.Wheel wheel;
  private final PeerSilence silence = new PeerSilence(System.nanoTime());
  /** The wheel's links: the slot this heartbeat is in (-1 when on no wheel) and its neighbours there. */
  int slot = -1;
  Heartbeat previous;
  Heartbeat next;

  Heartbeat(ServerWebSocket ws, Listener listener, Heartbeats.Wheel wheel) {
    this.ws = ws;
    this.listener = listener;
    this.wheel = wheel;
  }

  void start() {
    ws.pongHandler(pong -> heard());
    wheel.add(this);
  }

  /** Something arrived from the peer: it is alive. */
  void heard() {
    silence.heard(System.nanoTime());
  }

  /**
   * While the hub itself stops reading the socket (backpressure), the peer's pongs cannot be
   * heard: no timeout then, and that time is not counted as the peer's silence.
   */
  void suspend(boolean suspend) {
    silence.suspend(suspend, System.nanoTime());
  }

  void stop() {
    wheel.remove(this);
  }

  /** Once per interval, from the wheel. */
  void tick(long nowNanos) {
    long quietNanos = silence.quietNanos(nowNanos);
    if (!silence.suspended() && quietNanos > wheel.timeoutNanos()) {
      stop();
      listener.onTimeout(quietNanos / 1_000_000);
      return;
    }
    ws.writePing(EMPTY);
    listener.onTick();
  }
}
