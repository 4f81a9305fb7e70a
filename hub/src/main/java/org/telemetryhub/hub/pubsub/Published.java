package org.telemetryhub.hub.pubsub;

import org.telemetryhub.hub.address.Topics;

/**
 * A message published to subscribers: what it is about (its kind, its device, and the reading's
 * time for a reading, {@link #NO_TS} otherwise), its topic, and its bytes as subscribers receive
 * them, encoded once and shared by every recipient (never changed). What a queue or a resume needs
 * to know of a message is read here, never parsed back from its JSON.
 */
public record Published(String kind, String device, long ts, String topic, byte[] bytes) {

  /** The ts of a message that is not a reading. */
  public static final long NO_TS = -1;

  public static Published of(String kind, String device, long ts, byte[] bytes) {
    return new Published(kind, device, ts, Topics.topic(kind, device), bytes);
  }

  /** Whether this is the reading of {@code device} at {@code ts}. */
  boolean isReading() {
    return ts != NO_TS && Topics.READINGS.equals(kind);
  }
}
