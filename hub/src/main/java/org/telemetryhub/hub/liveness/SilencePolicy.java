package org.telemetryhub.hub.liveness;

import java.time.Duration;
import org.telemetryhub.hub.config.DurationConverter;

/**
 * When a connected device counts as silent: after {@code missedIntervals} of its own sending
 * intervals without a packet, once the hub has learned that interval (from {@link #LEARN_AFTER}
 * gaps between its packets), bounded by {@code min} and {@code max}; until then, after
 * {@code fallback}. A device that reports every 5 minutes is not silent after a minute, and one
 * that reports every second is silent after a few seconds.
 */
public record SilencePolicy(Duration fallback, int missedIntervals, Duration min, Duration max) {

  /** Gaps between packets seen before a device's own interval is used. */
  public static final int LEARN_AFTER = 3;

  /** One period for every device, never learned (missedIntervals 0). */
  public static SilencePolicy fixed(Duration silentAfter) {
    return new SilencePolicy(silentAfter, 0, silentAfter, silentAfter);
  }

  /** The quiet time after which a device with this learned interval (or none yet) is silent. */
  long silentAfterMillis(long intervalMillis, int gapsSeen) {
    if (missedIntervals == 0 || gapsSeen < LEARN_AFTER) {
      return fallback.toMillis();
    }
    return Math.max(min.toMillis(), Math.min(max.toMillis(), intervalMillis * missedIntervals));
  }

  /** The reason of the transition to silent, as the API and subscribers show it. */
  String reason(long silentAfterMillis, long intervalMillis, int gapsSeen) {
    if (missedIntervals == 0 || gapsSeen < LEARN_AFTER) {
      return "no readings for " + Duration.ofMillis(silentAfterMillis).toSeconds() + "s";
    }
    return "no readings for " + approximately(silentAfterMillis) + " (its interval: " + approximately(intervalMillis) + ")";
  }

  /** 1s, 15m, 250ms: whole seconds from a second on, as people say it. */
  private static String approximately(long millis) {
    return millis < 1_000 ? millis + "ms" : DurationConverter.format(Duration.ofSeconds(Math.round(millis / 1000.0)));
  }

  /** How often the registry looks for devices gone silent: fine enough for the shortest period. */
  public Duration sweepInterval() {
    long shortest = Math.min(fallback.toMillis(), min.toMillis());
    return Duration.ofMillis(Math.max(100, Math.min(1_000, shortest / 4)));
  }
}
