package org.telemetryhub.hub.pubsub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.address.TopicFilter;

/**
 * The bounded queue between publishers (any event loop) and one subscriber's socket (its own
 * event loop). Messages wait here only while the socket cannot take them. Published messages are
 * bounded by count and by bytes; when either bound is reached the subscriber's {@link SlowPolicy}
 * decides what goes, and every message that goes is counted at once (also for a subscriber that
 * never reads again).
 *
 * <p>Replies to the subscriber's own requests (retained messages, acks, errors) wait apart and
 * are never dropped; their bound is kept by the connection, which stops reading requests while
 * more than a few replies wait (see {@link #controlBytes()}).
 */
final class SubscriberQueue {

  /**
   * One pending message: the published message it is (null for a reply), its bytes (shared with
   * every other recipient) and when it was published (System.nanoTime(); 0 for a reply).
   */
  record Pending(Published published, byte[] message, long publishedNanos) {

    /** Its topic, for conflation; null for a reply. */
    String topic() {
      return published == null ? null : published.topic();
    }
  }

  /** What the publisher must do after an offer. */
  enum Outcome { NOTHING, SCHEDULE_FLUSH, DISCONNECT }

  /** Told of every published message the policy drops, as it drops it. */
  @FunctionalInterface
  interface LossListener {
    void lost(SlowPolicy policy, long count);
  }

  private final int capacity;
  private final long capacityBytes;
  private final LossListener lossListener;
  private final ArrayDeque<Pending> control = new ArrayDeque<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Map<String, Integer> pendingPerTopic = new HashMap<>();
  private long controlBytes;
  private long pendingBytes;
  private SlowPolicy policy = SlowPolicy.CONFLATE;
  private boolean flushScheduled;
  private boolean publishedHeld;
  private boolean overflowed;
  private long lostUnreported;
  private long lostTotal;
  /** Losses per channel since the last report, for $hub/gap; at most MAX_GAP_CHANNELS, the rest under "#". */
  private final Map<String, Gap> gaps = new LinkedHashMap<>();

  /** Published messages of one channel dropped since the last report: how many, their ts range (readings), why. */
  private static final class Gap {
    long count;
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    final String reason;

    Gap(String reason) {
      this.reason = reason;
    }
  }

  /** At most this many channels per report (about 30 KB of $hub/gap messages); losses on more are reported under "#". */
  static final int MAX_GAP_CHANNELS = 256;

  SubscriberQueue(int capacity, long capacityBytes, LossListener lossListener) {
    this.capacity = capacity;
    this.capacityBytes = capacityBytes;
    this.lossListener = lossListener;
  }

  synchronized void policy(SlowPolicy policy) {
    this.policy = policy;
  }

  synchronized SlowPolicy policy() {
    return policy;
  }

  synchronized Outcome offer(Published published, long publishedNanos) {
    String topic = published.topic();
    byte[] message = published.bytes();
    if (overflowed) {
      lostForGood(1); // a disconnect is on its way: nothing offered now will be delivered
      return Outcome.NOTHING;
    }
    // A message larger than the whole byte bound still goes into an empty queue: nothing waits then.
    while (!pending.isEmpty() && (pending.size() >= capacity || pendingBytes + message.length > capacityBytes)) {
      switch (policy) {
        case DISCONNECT -> {
          // Nothing waiting will be delivered: the connection closes. Counted now, and let go.
          overflowed = true;
          lostForGood(pending.size() + 1L);
          pending.clear();
          pendingPerTopic.clear();
          pendingBytes = 0;
          return Outcome.DISCONNECT;
        }
        case DROP_OLDEST -> dropped(pending.pollFirst());
        case CONFLATE -> dropped(removeOldestOfTopicOrOldest(topic));
        default -> throw new IllegalStateException(policy.name());
      }
    }
    pending.addLast(new Pending(published, message, publishedNanos));
    pendingBytes += message.length;
    pendingPerTopic.merge(topic, 1, Integer::sum);
    return scheduleFlush();
  }

  /** Queues replies to a request, ahead of the published messages waiting. */
  synchronized Outcome control(List<byte[]> replies) {
    for (byte[] reply : replies) {
      control.addLast(new Pending(null, reply, 0));
      controlBytes += reply.length;
    }
    return scheduleFlush();
  }

  private Outcome scheduleFlush() {
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
    removed(message);
    lostUnreported++;
    lostTotal++;
    lossListener.lost(policy, 1);
    String channel = gaps.size() < MAX_GAP_CHANNELS || gaps.containsKey(message.topic()) ? message.topic() : TopicFilter.REST;
    Gap gap = gaps.computeIfAbsent(channel, ignored -> new Gap(policy.gapReason()));
    gap.count++;
    long ts = message.published().ts();
    if (ts != Published.NO_TS && channel.equals(message.topic())) {
      gap.from = Math.min(gap.from, ts);
      gap.to = Math.max(gap.to, ts);
    }
  }

  /** Messages lost by a subscriber about to be disconnected: counted, never reported to it (it will not read again). */
  private void lostForGood(long count) {
    lostTotal += count;
    lossListener.lost(policy, count);
  }

  /**
   * The report of the losses since the last one ($hub/lost, then a $hub/gap per channel), or null
   * when nothing was lost, or when replies are still waiting to be written (the last report among
   * them, say): losses keep adding up here until the subscriber has read those, so one that reads
   * nothing gets one report waiting for it, not one more every second.
   */
  synchronized List<byte[]> lossReport() {
    if (lostUnreported == 0 || !control.isEmpty()) {
      return null;
    }
    List<byte[]> report = new ArrayList<>(gaps.size() + 1);
    report.add(Messages.lost(lostUnreported, lostTotal, policy));
    report.addAll(takeGaps());
    lostUnreported = 0;
    return report;
  }

  /** The $hub/gap messages of the losses since the last call, one per channel. */
  private List<byte[]> takeGaps() {
    List<byte[]> messages = new ArrayList<>(gaps.size());
    gaps.forEach((channel, gap) -> messages.add(StoreReplay.gap(channel, gap.from == Long.MAX_VALUE ? null : gap.from,
        gap.to, gap.count, gap.reason)));
    gaps.clear();
    return messages;
  }

  private void removed(Pending message) {
    pendingBytes -= message.message().length;
    pendingPerTopic.computeIfPresent(message.topic(), (topic, count) -> count == 1 ? null : count - 1);
  }

  /**
   * Published messages wait (under the queue's bounds and policy, as ever) while replies go out,
   * until {@link #releasePublished()}: they must not pass retained messages being looked up.
   */
  synchronized void holdPublished() {
    publishedHeld = true;
  }

  /** Published messages go out again, after the replies queued by then; the caller queues those and flushes. */
  synchronized void releasePublished() {
    publishedHeld = false;
  }

  /**
   * As {@link #releasePublished()}, first removing the held messages {@code alreadySent} says the
   * replies carry (the live copies of replayed readings); they are not losses.
   */
  synchronized void releasePublished(java.util.function.Predicate<Pending> alreadySent) {
    for (Iterator<Pending> held = pending.iterator(); held.hasNext(); ) {
      Pending message = held.next();
      if (alreadySent.test(message)) {
        held.remove();
        removed(message);
      }
    }
    publishedHeld = false;
  }

  /** Takes the next message to write (replies first), or null (and the next offer schedules a flush again). */
  synchronized Pending poll() {
    Pending reply = control.pollFirst();
    if (reply != null) {
      controlBytes -= reply.message().length;
      return reply;
    }
    Pending next = publishedHeld ? null : pending.pollFirst();
    if (next == null) {
      flushScheduled = false;
      return null;
    }
    removed(next);
    return next;
  }

  /** Bytes of replies waiting to be written. */
  synchronized long controlBytes() {
    return controlBytes;
  }

  /** Bytes of published messages waiting to be written. */
  synchronized long pendingBytes() {
    return pendingBytes;
  }

  synchronized long lostTotal() {
    return lostTotal;
  }
}
