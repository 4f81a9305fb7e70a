package org.telemetryhub.hub.device;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Times for the readings of devices without a clock (timestamp 0 on the wire).
 *
 * <p>A reading is stamped with the second it arrives, or with one second after the device's
 * previous stamp when that is later. Readings of one device therefore never share a second, and
 * none replaces another under the (device, ts) key, however fast they come. A burst is spread over
 * the seconds that follow, at most {@code maxAheadSeconds} (the clock-skew allowance) ahead of the
 * hub's clock; a reading that would go further is refused, and the device may send again once
 * its stamps are back within reach. A device that sends at most one reading a second on average
 * is never refused.
 *
 * <p>The previous stamp of each device is kept for the life of the process. A restarted hub does
 * not know it, so before it stamps a device's first reading it takes the newest reading stored for
 * that device as the previous stamp ({@link #seed}): a burst stamped ahead of the clock before the
 * restart is not overwritten after it. Safe to call from any event loop.
 */
public final class NoClockStamps {

  /** What {@link #stamp} returns when the reading cannot be given a second. */
  public static final long REFUSED = -1;

  private final ConcurrentMap<String, Long> lastStamp = new ConcurrentHashMap<>();
  private final long maxAheadSeconds;

  public NoClockStamps(long maxAheadSeconds) {
    this.maxAheadSeconds = maxAheadSeconds;
  }

  /** Whether the device's previous stamp is known (stamped in this process, or seeded from the store). */
  public boolean seeded(String device) {
    return lastStamp.containsKey(device);
  }

  /** Takes {@code latestStored} (epoch seconds; -1 when nothing is stored) as the device's previous stamp, unless a later one is known. */
  public void seed(String device, long latestStored) {
    lastStamp.merge(device, latestStored, Math::max);
  }

  /** The time for the device's next reading without a clock, or {@link #REFUSED}. */
  public long stamp(String device, long nowEpochSeconds) {
    long[] stamp = {REFUSED};
    lastStamp.compute(device, (id, previous) -> {
      long candidate = previous == null ? nowEpochSeconds : Math.max(nowEpochSeconds, previous + 1);
      if (candidate > nowEpochSeconds + maxAheadSeconds) {
        return previous;
      }
      stamp[0] = candidate;
      return candidate;
    });
    return stamp[0];
  }
}
