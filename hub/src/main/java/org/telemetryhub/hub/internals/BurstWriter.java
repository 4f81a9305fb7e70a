package org.telemetryhub.hub.internals;

/**
 * Writes already-encoded text messages to one socket in bursts, with one flush (one system call)
 * per burst. Vert.x flushes every write made outside the socket's own read handler, which under
 * fan-out to subscribers was a large share of the hub's CPU; {@link WebSocketInternals#burstWriter}
 * gives the writer that avoids it, or one on the public API (a flush per message) where it cannot.
 * Call on the socket's event loop.
 */
public interface BurstWriter {

  /** True while the socket holds as many bytes as it may: flush, and if still full, wait for {@link #whenDrained}. */
  boolean full();

  /** Queues one text frame; it leaves at the next {@link #flush()}. */
  void write(byte[] utf8);

  void flush();

  /** Runs {@code resume} once everything written so far has left the socket's buffer. */
  void whenDrained(Runnable resume);
}
