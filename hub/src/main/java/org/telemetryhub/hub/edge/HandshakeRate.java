package org.telemetryhub.hub.edge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * WebSocket handshakes per source address, as a token bucket each: {@code perSecond} on average,
 * bursts of up to {@code burst}. A reconnect storm from one address waits its turn instead of
 * taking the hub's time from everyone else.
 *
 * <p>Buckets that are full again are forgotten: an address that handshakes at most at the rate
 * costs nothing to keep, and the map is bounded (at most {@code maxAddresses}; past that the
 * oldest-looking entries are swept).
 */
public final class HandshakeRate {

  private static final class Bucket {
    double tokens;
    long updatedNanos;

    Bucket(double tokens, long updatedNanos) {
      this.tokens = tokens;
      this.updatedNanos = updatedNanos;
    }
  }

  private final double perNano;
  private final double burst;
  private final int maxAddresses;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public HandshakeRate(double perSecond, double burst, int maxAddresses, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxAddresses = maxAddresses;
    this.nanoTime = nanoTime;
  }

  /** Takes a token for a handshake from {@code address}: 0 when allowed, otherwise the seconds to wait (at least 1). */
  public long tryAcquire(String address) {
    long now = nanoTime.getAsLong();
    if (buckets.size() >= maxAddresses) {
      sweep(now);
    }
    long[] retryAfter = {0};
    buckets.compute(address, (key, bucket) -> {
      Bucket current = bucket == null ? new Bucket(burst, now) : refill(bucket, now);
      if (current.tokens >= 1) {
        current.tokens -= 1;
      } else {
        retryAfter[0] = Math.max(1, (long) Math.ceil((1 - current.tokens) / perNano / 1e9));
      }
      return current;
    });
    return retryAfter[0];
  }

  private Bucket refill(Bucket bucket, long now) {
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * perNano);
    bucket.updatedNanos = now;
    return bucket;
  }

  /** Forgets every bucket that has refilled: those addresses are back where a new one starts. */
  private void sweep(long now) {
    buckets.values().removeIf(bucket -> bucket.tokens + (now - bucket.updatedNanos) * perNano >= burst);
    if (buckets.size() >= maxAddresses) {
      buckets.clear(); // a flood of distinct addresses: start over rather than grow
    }
  }

  int trackedAddresses() {
    return buckets.size();
  }
}
