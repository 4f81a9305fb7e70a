package org.telemetryhub.hub.cluster;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.telemetryhub.hub.pubsub.Published;
import org.slf4j.LoggerFactory;

/**
 * The way from this node to the subscribers of one other node: a bounded queue of messages, sent
 * in batches with at most {@link #BATCHES_IN_FLIGHT} unanswered at a time. The other node answers
 * a batch once it has handed its messages to its subscribers' own queues, so a node that falls
 * behind fills this queue, and what does not fit is dropped and counted; publishers (ingest) never
 * wait for another node.
 */
final class PeerLink {

  static final int MAX_QUEUED_MESSAGES = 65_536;
  static final int MAX_BATCH_MESSAGES = 1024;
  static final int MAX_BATCH_BYTES = 256 * 1024;
  static final int BATCHES_IN_FLIGHT = 4;
  private static final long BATCH_TIMEOUT_MILLIS = 10_000;
  private static final long DROP_LOG_INTERVAL_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  private final EventBus bus;
  private final Context context;
  private final String address;
  private final String peerName;
  private final Counter sent;
  private final Counter dropped;
  private final ArrayDeque<MessageBatch.Entry> queue = new ArrayDeque<>();
  private int inFlight;
  private boolean flushScheduled;
  private boolean closed;
  private long lastDropLogMillis;

  PeerLink(EventBus bus, Context context, String address, String peerName, Counter sent, Counter dropped) {
    this.bus = bus;
    this.context = context;
    this.address = address;
    this.peerName = peerName;
    this.sent = sent;
    this.dropped = dropped;
  }

  /** Queues a message for the other node; called by publishers on any event loop, never waits. */
  void add(Published message) {
    boolean schedule;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (queue.size() >= MAX_QUEUED_MESSAGES) {
        dropped(1, "its queue of " + MAX_QUEUED_MESSAGES + " messages is full");
        return;
      }
      queue.addLast(new MessageBatch.Entry(message.kind(), message.device(), message.ts(), message.bytes()));
      schedule = scheduleFlush();
    }
    if (schedule) {
      context.runOnContext(ignored -> flush());
    }
  }

  /** Under the lock: whether the caller must schedule a flush (one is not scheduled yet and a batch may go). */
  private boolean scheduleFlush() {
    if (flushScheduled || closed || queue.isEmpty() || inFlight >= BATCHES_IN_FLIGHT) {
      return false;
    }
    flushScheduled = true;
    return true;
  }

  /** On the link's context: sends one batch, and schedules the next while the window allows. */
  private void flush() {
    Buffer batch = Buffer.buffer(4096);
    int count = 0;
    synchronized (this) {
      flushScheduled = false;
      if (closed || inFlight >= BATCHES_IN_FLIGHT) {
        return;
      }
      MessageBatch.Entry next;
      while (count < MAX_BATCH_MESSAGES && batch.length() < MAX_BATCH_BYTES && (next = queue.pollFirst()) != null) {
        MessageBatch.append(batch, next);
        count++;
      }
      if (count == 0) {
        return;
      }
      inFlight++;
    }
    int batchCount = count;
    sent.increment(batchCount);
    bus.request(address, batch, new DeliveryOptions().setSendTimeout(BATCH_TIMEOUT_MILLIS)).onComplete(reply -> {
      boolean schedule;
      synchronized (this) {
        inFlight--;
        if (reply.failed()) {
          dropped(batchCount, "a batch failed: " + reply.cause().getMessage());
        }
        schedule = scheduleFlush();
      }
      if (schedule) {
        flush();
      }
    });
    boolean more;
    synchronized (this) {
      more = scheduleFlush();
    }
    if (more) {
      context.runOnContext(ignored -> flush());
    }
  }

  /** Under the lock. */
  private void dropped(int count, String why) {
    dropped.increment(count);
    long now = System.currentTimeMillis();
    if (now - lastDropLogMillis >= DROP_LOG_INTERVAL_MILLIS) {
      lastDropLogMillis = now;
      LOG.warn("cluster: messages for the subscribers of node {} dropped ({}); {} dropped so far", peerName, why,
          (long) dropped.count());
    }
  }

  /** Whether nothing waits and every batch sent was answered. */
  synchronized boolean idle() {
    return queue.isEmpty() && inFlight == 0;
  }

  /** The node left: nothing more is sent, what waits is discarded. */
  synchronized void close() {
    closed = true;
    queue.clear();
  }
}
