package org.telemetryhub.hub.pubsub;

import java.util.Locale;
import org.telemetryhub.hub.metrics.LossPolicy;

/** What happens to a subscriber whose queue is full (docs/subscriber-protocol.md: a slow subscriber never slows anyone else). */
public enum SlowPolicy {
  /** Keep only the latest pending message per topic (the default). */
  CONFLATE(LossPolicy.CONFLATE),
  /** Drop the oldest pending message. */
  DROP_OLDEST(LossPolicy.DROP_OLDEST),
  /** Close the connection with 1013 "try again later". */
  DISCONNECT(LossPolicy.DISCONNECT);

  private final LossPolicy metricTag;

  SlowPolicy(LossPolicy metricTag) {
    this.metricTag = metricTag;
  }

  /** How losses under this policy are counted. */
  public LossPolicy metricTag() {
    return metricTag;
  }

  /** The reason a $hub/gap report gives for messages this policy dropped: conflated, drop-oldest. */
  public String gapReason() {
    return this == CONFLATE ? "conflated" : wireName();
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @throws IllegalArgumentException naming the allowed values */
  public static SlowPolicy fromWire(String name) {
    for (SlowPolicy policy : values()) {
      if (policy.wireName().equals(name)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("policy must be conflate, drop-oldest or disconnect, not '" + name + "'");
  }
}
