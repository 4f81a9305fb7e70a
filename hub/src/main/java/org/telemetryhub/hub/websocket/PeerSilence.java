package org.telemetryhub.hub.websocket;

/**
 * How long a peer has been quiet, as its heartbeat judges it. Only what the hub could have heard
 * counts: while the hub itself does not read the socket (the store is full, say), the peer's pongs
 * cannot arrive, so that time is left out of its silence. Resuming the socket is no sign of life:
 * a peer quiet for most of the timeout before such a pause is still as quiet after it, and a pause
 * that did not stop the heartbeat (the peer does not read its replies) changes nothing.
 * Times are {@link System#nanoTime()} values; one event loop uses it.
 */
final class PeerSilence {

  private long lastHeardNanos;
  /** When the hub stopped reading for a reason of its own; -1 while it reads. */
  private long suspendedAtNanos = -1;

  PeerSilence(long nowNanos) {
    this.lastHeardNanos = nowNanos;
  }

  /** Something arrived from the peer. */
  void heard(long nowNanos) {
    lastHeardNanos = nowNanos;
  }

  /** The hub stops reading for a reason of its own ({@code true}) or reads again ({@code false}); repeats change nothing. */
  void suspend(boolean suspend, long nowNanos) {
    if (suspend && suspendedAtNanos < 0) {
      suspendedAtNanos = nowNanos;
    } else if (!suspend && suspendedAtNanos >= 0) {
      lastHeardNanos = Math.min(nowNanos, lastHeardNanos + (nowNanos - suspendedAtNanos));
      suspendedAtNanos = -1;
    }
  }

  /** True while the hub does not read for a reason of its own: then no peer times out. */
  boolean suspended() {
    return suspendedAtNanos >= 0;
  }

  /** For how long the peer has been heard from nothing, the hub's own pauses left out. */
  long quietNanos(long nowNanos) {
    return nowNanos - lastHeardNanos;
  }
}
