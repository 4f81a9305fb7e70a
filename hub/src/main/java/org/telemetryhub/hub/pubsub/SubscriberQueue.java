package org.telemetryhub.hub.pubsub;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The bounded queue between publishers (any event loop) and one subscriber's socket (its own
 * event loop). Messages wait here only while the socket cannot take them; when the queue is full
 * the subscriber's {@link SlowPolicy} decides what goes, and every message that goes is counted.
 */
final class SubscriberQueue {

  /**
   * One pending message: its topic (for conflation; null for a reply), its bytes (shared with
   * every other recipient) and when it was published (System.nanoTime(); 0 for a reply).
   */
  record Pending(String topic, byte[] message, long publishedNanos) {
  }

  /** What the publisher must do after an offer. */
  enum Outcome { NOTHING, SCHEDULE_FLUSH, DISCONNECT }

  /**
   * Replies to the subscriber's own requests (retained messages, acks, errors) are never dropped
   * by the policy; a client that keeps asking without reading them is disconnected at this bound.
   */
  static final int CONTROL_CAPACITY = 100_000;

  private final int capacity;
  private final ArrayDeque<Pending> control = new ArrayDeque<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Map<String, Integer> pendingPerTopic = new HashMap<>();
  private SlowPolicy policy = SlowPolicy.CONFLATE;
  private boolean flushScheduled;
  private boolean overflowed;
  private long lostUnreported;
  private long lostTotal;

  SubscriberQueue(int capacity) {
    this.capacity = capacity;
  }

  synchronized void policy(SlowPolicy policy) {
    this.policy = policy;
  }

  synchronized SlowPolicy policy() {
    return policy;
  }

  synchronized Outcome offer(String topic, byte[] message, long publishedNanos) {
    if (overflowed) {
      return Outcome.NOTHING; // a disconnect is on its way
    }
    if (pending.size() >= capacity) {
      switch (policy) {
        case DISCONNECT -> {
          overflowed = true;
          return Outcome.DISCONNECT;
        }
        case DROP_OLDEST -> dropped(pending.pollFirst());
        case CONFLATE -> dropped(removeOldestOfTopicOrOldest(topic));
        default -> throw new IllegalStateException(policy.name());
      }
    }
    pending.addLast(new Pending(topic, message, publishedNanos));
    pendingPerTopic.merge(topic, 1, Integer::sum);
    if (flushScheduled) {
      return Outcome.NOTHING;
    }
    flushScheduled = true;
    return Outcome.SCHEDULE_FLUSH;
  }

  /** Queues replies to a request, ahead of the published messages waiting. */
  synchronized Outcome control(List<byte[]> replies) {
    if (control.size() + replies.size() > CONTROL_CAPACITY) {
      overflowed = true;
      return Outcome.DISCONNECT;
    }
    for (byte[] reply : replies) {
      control.addLast(new Pending(null, reply, 0));
    }
    if (flushScheduled) {
      return Outcome.NOTHING;
    }
    flushScheduled = true;
    return Outcome.SCHEDULE_FLUSH;
  }

  private Pending removeOldestOfTopicOrOldest(String topic) {
    if (pendingPerTopic.getOrDefault(topic, 0) > 0) {
      Iterator<Pending> oldestFirst = pending.iterator();
      while (oldestFirst.hasNext()) {
        Pending candidate = oldestFirst.next();
        if (candidate.topic().equals(topic)) {
          oldestFirst.remove();
          return candidate;
        }
      }
    }
    return pending.pollFirst();
  }

  private void dropped(Pending message) {
    pendingPerTopic.merge(message.topic(), -1, Integer::sum);
    lostUnreported++;
    lostTotal++;
  }

  /** Takes the next message to write (replies first), or null (and the next offer schedules a flush again). */
  synchronized Pending poll() {
    Pending reply = control.pollFirst();
    if (reply != null) {
      return reply;
    }
    Pending next = pending.pollFirst();
    if (next == null) {
      flushScheduled = false;
      return null;
    }
    pendingPerTopic.merge(next.topic(), -1, Integer::sum);
    return next;
  }

  /** Messages lost since the last call; 0 if none. */
  synchronized long takeLostUnreported() {
    long lost = lostUnreported;
    lostUnreported = 0;
    return lost;
  }

  synchronized long lostTotal() {
    return lostTotal;
  }
}
