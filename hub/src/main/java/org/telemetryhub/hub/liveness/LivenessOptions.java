package org.telemetryhub.hub.liveness;

import java.time.Duration;

/**
 * How the hub tells a live connection and a sending device.
 *
 * @param heartbeatInterval     how often every connection is pinged
 * @param heartbeatTimeout      a connection from which nothing arrived for this long is terminated
 * @param silentAfter           a connected device without a packet for this long is silent, until its own
 *                              interval is learned
 * @param silentMissedIntervals silent after this many of the device's own intervals; 0 turns learning off
 * @param silentAfterMin        the shortest quiet time that makes a device with a learned interval silent
 * @param silentAfterMax        the longest quiet time before a device with a learned interval is silent
 */
public record LivenessOptions(Duration heartbeatInterval, Duration heartbeatTimeout, Duration silentAfter,
                              int silentMissedIntervals, Duration silentAfterMin, Duration silentAfterMax) {

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(25);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SILENT_AFTER = Duration.ofSeconds(60);
  public static final int DEFAULT_SILENT_MISSED_INTERVALS = 3;
  public static final Duration DEFAULT_SILENT_AFTER_MIN = Duration.ofSeconds(3);
  public static final Duration DEFAULT_SILENT_AFTER_MAX = Duration.ofHours(1);
  public static final LivenessOptions DEFAULTS = new LivenessOptions(DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_TIMEOUT,
      DEFAULT_SILENT_AFTER, DEFAULT_SILENT_MISSED_INTERVALS, DEFAULT_SILENT_AFTER_MIN, DEFAULT_SILENT_AFTER_MAX);

  public LivenessOptions withHeartbeat(Duration interval, Duration timeout) {
    return new LivenessOptions(interval, timeout, silentAfter, silentMissedIntervals, silentAfterMin, silentAfterMax);
  }

  public LivenessOptions withSilence(Duration after, int missedIntervals, Duration afterMin) {
    return new LivenessOptions(heartbeatInterval, heartbeatTimeout, after, missedIntervals, afterMin, silentAfterMax);
  }

  public LivenessOptions withSilentAfter(Duration after) {
    return withSilence(after, silentMissedIntervals, silentAfterMin);
  }
}
