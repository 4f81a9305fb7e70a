package org.telemetryhub.hub.logging;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a log line that an attacker can trigger at will from flooding the log: the first event
 * is logged, then at most one line per interval, saying how many events it stands for.
 * Safe to call from any thread.
 */
public final class LogThrottle {

  private final long intervalNanos;
  private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong unlogged = new AtomicLong();

  public LogThrottle(long interval, TimeUnit unit) {
    this.intervalNanos = unit.toNanos(interval);
  }

  /**
   * Records one event; returns how many events the line to log now stands for (this one and those
   * not logged since the last line), or 0 when no line is due.
   */
  public long event() {
    unlogged.incrementAndGet();
    long now = System.nanoTime();
    long due = nextLogNanos.get();
    if (now - due >= 0 && nextLogNanos.compareAndSet(due, now + intervalNanos)) {
      return unlogged.getAndSet(0);
    }
    return 0;
  }
}
