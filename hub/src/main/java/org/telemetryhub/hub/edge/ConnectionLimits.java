package org.telemetryhub.hub.edge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.telemetryhub.hub.metrics.ConnectionRefusal;

/**
 * How many TCP connections the hub holds, in all and per source address, against the limits an
 * operator sets. An address is in the map only while it holds a connection, so the map is bounded
 * by the connections themselves. Safe to call from any event loop.
 *
 * <p>A few connections past the limit ({@link #HEALTH_CHECKS}) are still taken, for health checks
 * only (see ConnectionGuard): a hub that is full is not dead, and its liveness probe must not fail
 * and have it restarted with every connection it holds.
 */
public final class ConnectionLimits {

  /** Connections taken past the limit, for health checks only. */
  public static final int HEALTH_CHECKS = 5;

  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  public ConnectionLimits(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /** Counts a new connection from {@code address}, or returns why it must be refused (then nothing is counted). */
  public ConnectionRefusal tryAcquire(String address) {
    if (total.incrementAndGet() > maxConnections + HEALTH_CHECKS) {
      total.decrementAndGet();
      return ConnectionRefusal.MAX_CONNECTIONS;
    }
    ConnectionRefusal[] refused = {null};
    perAddress.compute(address, (key, count) -> {
      AtomicInteger held = count == null ? new AtomicInteger() : count;
      if (held.get() >= maxPerAddress) {
        refused[0] = ConnectionRefusal.MAX_PER_ADDRESS;
      } else {
        held.incrementAndGet();
      }
      return held.get() == 0 ? null : held;
    });
    if (refused[0] != null) {
      total.decrementAndGet();
    }
    return refused[0];
  }

  /** A connection counted by {@link #tryAcquire} has closed. */
  public void release(String address) {
    total.decrementAndGet();
    perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() == 0 ? null : count);
  }

  public int total() {
    return total.get();
  }

  /** Whether the hub holds more connections than its limit: the ones past it serve health checks only. */
  public boolean full() {
    return total.get() > maxConnections;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int maxPerAddress() {
    return maxPerAddress;
  }
}
