package org.telemetryhub.hub.pubsub;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which readings a resume replayed, as (device, ts): the live copies of them are dropped at the
 * seam, and for a while after it (a copy from another node can come late). Kept compact, since it
 * lives as long as that while: eight bytes per reading in a sorted array per device, so its size is
 * bounded by the replay limit (10,000 readings: 80 KB), not by what the readings would take as text.
 *
 * <p>Filled on one thread at a time, each addition after the one before it (the pages of one
 * replay); read by any thread once published (a volatile field of the connection).
 */
final class ReplayedReadings {

  static final ReplayedReadings NONE = new ReplayedReadings();

  /** The timestamps of one device's replayed readings, ascending (a replay reads them oldest first). */
  private static final class Timestamps {
    long[] values = new long[8];
    int size;
  }

  private final Map<String, Timestamps> byDevice = new HashMap<>();
  private int count;

  /** Adds a replayed reading; {@code ts} is never below the last one added for that device. */
  void add(String device, long ts) {
    Timestamps timestamps = byDevice.computeIfAbsent(device, ignored -> new Timestamps());
    if (timestamps.size == timestamps.values.length) {
      timestamps.values = Arrays.copyOf(timestamps.values, timestamps.size * 2);
    }
    timestamps.values[timestamps.size++] = ts;
    count++;
  }

  boolean contains(String device, long ts) {
    Timestamps timestamps = byDevice.get(device);
    return timestamps != null && Arrays.binarySearch(timestamps.values, 0, timestamps.size, ts) >= 0;
  }

  /** Whether the live message {@code message} is a reading this replay carried already. */
  boolean carried(Published message) {
    return count > 0 && message.isReading() && contains(message.device(), message.ts());
  }

  boolean isEmpty() {
    return count == 0;
  }

  int size() {
    return count;
  }
}
