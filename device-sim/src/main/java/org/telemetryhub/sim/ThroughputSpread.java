package org.telemetryhub.sim;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * How evenly the hub serves the fleet: every window (5 s), each device's acked readings against the
 * mean of all devices. A fair hub keeps every device near the mean; a starved device shows as a
 * large deviation below it. Windows before the latency warm-up ({@code --measure-after}) are left out.
 */
final class ThroughputSpread {

  static final long WINDOW_MILLIS = 5_000;

  private final long[] lastAcked;
  private int windows;
  private double worstDeviation;
  private double worstLowPerSecond = Double.NaN;
  private double worstMeanPerSecond = Double.NaN;
  private double lastDeviation = Double.NaN;

  ThroughputSpread(int devices) {
    this.lastAcked = new long[devices];
  }

  /** Ends a window: {@code counted} says whether it is past the warm-up. */
  synchronized <T> void window(List<T> devices, ToLongFunction<T> acked, boolean counted) {
    long[] delta = new long[devices.size()];
    long sum = 0;
    for (int i = 0; i < delta.length; i++) {
      long now = acked.applyAsLong(devices.get(i));
      delta[i] = now - lastAcked[i];
      lastAcked[i] = now;
      sum += delta[i];
    }
    double mean = (double) sum / delta.length;
    if (!counted || mean <= 0) {
      return;
    }
    double deviation = 0;
    long lowest = Long.MAX_VALUE;
    for (long d : delta) {
      deviation = Math.max(deviation, Math.abs(d - mean) / mean);
      lowest = Math.min(lowest, d);
    }
    windows++;
    lastDeviation = deviation;
    if (deviation >= worstDeviation) {
      worstDeviation = deviation;
      worstLowPerSecond = lowest * 1000.0 / WINDOW_MILLIS;
      worstMeanPerSecond = mean * 1000.0 / WINDOW_MILLIS;
    }
  }

  /** The progress line's part: the last window's largest deviation from the mean. */
  synchronized String progress() {
    return windows == 0 ? "" : String.format(java.util.Locale.ROOT, " spread=%.0f%%", lastDeviation * 100);
  }

  synchronized JsonObject summary() {
    return new JsonObject().put("windowSeconds", WINDOW_MILLIS / 1000).put("windows", windows)
        .put("worstDeviationPercent", windows == 0 ? null : Math.round(worstDeviation * 1000) / 10.0)
        .put("worstWindowLowestPerSecond", windows == 0 ? null : Math.round(worstLowPerSecond))
        .put("worstWindowMeanPerSecond", windows == 0 ? null : Math.round(worstMeanPerSecond));
  }
}
