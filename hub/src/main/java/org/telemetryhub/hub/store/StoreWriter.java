package org.telemetryhub.hub.store;

import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.protocol.Reading;

/**
 * Writes readings in batches on its own thread, never on an event loop, and acknowledges them
 * only after their batch is stored.
 *
 * <p>Event loops {@link #submit} one frame's readings at a time. The writer thread takes the
 * oldest submission, waits up to {@code maxAge} for more (or until {@code batchSize} readings),
 * writes them in one transaction and then tells each connection, on its own context, the
 * cumulative packet count now covered. Submissions of one connection are acknowledged in order.
 *
 * <p>The queue is bounded by backpressure rather than by refusing: a submission that takes the
 * queue to {@code capacity} readings or more returns false, and its connection pauses its socket
 * until {@link #whenDrained} calls back (at half the capacity). Each connection overshoots by at
 * most one frame. When the store fails, the batch is retried with backoff; nothing is acknowledged
 * meanwhile, so the queue fills and ingest pauses instead of buffering without limit.
 */
public final class StoreWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
  private static final long FIRST_RETRY_MILLIS = 100;
  /** Retries back off to this: a store that recovers (space returns, InfluxDB restarts) takes writes within it. */
  private static final long MAX_RETRY_MILLIS = 2_000;

  private record Submission(List<Reading> readings, long cumulativePackets, AckSink sink, Context context,
                            long submittedNanos) {
  }

  private final ReadingStore store;
  private final int batchSize;
  private final long maxAgeNanos;
  private final int capacity;
  private final HubMetrics metrics;
  private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedReadings = new AtomicInteger();
  private final Queue<Runnable> drainWaiters = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;

  public StoreWriter(ReadingStore store, int batchSize, Duration maxAge, int capacity, HubMetrics metrics) {
    this.store = store;
    this.batchSize = batchSize;
    this.maxAgeNanos = maxAge.toNanos();
    this.capacity = capacity;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "store-writer");
    metrics.registerStoreQueue(queuedReadings::get);
  }

  public void start() {
    thread.start();
  }

  /**
   * Queues one frame's valid readings (possibly none: the ack must still wait for the frame's
   * predecessors). The sink is told {@code cumulativePackets} on {@code context} once stored.
   *
   * @return false when the queue is at capacity: the caller should pause its input until {@link #whenDrained}
   */
  public boolean submit(List<Reading> readings, long cumulativePackets, AckSink sink, Context context) {
    int queued = queuedReadings.addAndGet(readings.size());
    queue.add(new Submission(readings, cumulativePackets, sink, context, System.nanoTime()));
    return queued < capacity;
  }

  /** Runs {@code resume} once the queue has drained to half its capacity (at once if it already has). */
  public void whenDrained(Runnable resume) {
    drainWaiters.add(resume);
    if (queuedReadings.get() <= capacity / 2) {
      releaseDrainWaiters();
    }
  }

  /** Null while the store takes writes; otherwise why the last attempt failed. */
  public String failure() {
    return failure;
  }

  public int queuedReadings() {
    return queuedReadings.get();
  }

  /**
   * Writes everything already submitted, sends its acks, then stops the thread. Blocks for at
   * most {@code timeout}; returns false if the queue could not be flushed in time.
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    running = false;
    thread.join(Math.max(1, timeout.toMillis()));
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join();
      return false;
    }
    return true;
  }

  private void run() {
    List<Submission> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        if (collectBatch(batch)) {
          writeWithRetry(batch);
          acknowledge(batch);
          batch.clear();
        }
      } catch (InterruptedException e) {
        LOG.warn("store writer interrupted with {} readings not stored; their devices will resend them",
            queuedReadings.get());
        return;
      }
    }
  }

  /** Fills {@code batch} by size or age, whichever comes first; false when nothing arrived. */
  private boolean collectBatch(List<Submission> batch) throws InterruptedException {
    Submission first = queue.poll(100, TimeUnit.MILLISECONDS);
    if (first == null) {
      return false;
    }
    batch.add(first);
    int readings = first.readings().size();
    long deadline = first.submittedNanos() + maxAgeNanos;
    while (readings < batchSize) {
      Submission next = queue.poll();
      if (next == null) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0 || !running) {
          break;
        }
        next = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next == null) {
          break;
        }
      }
      batch.add(next);
      readings += next.readings().size();
    }
    return true;
  }

  private void writeWithRetry(List<Submission> batch) throws InterruptedException {
    List<Reading> readings = new ArrayList<>();
    for (Submission submission : batch) {
      readings.addAll(submission.readings());
    }
    if (readings.isEmpty()) {
      return;
    }
    long retryMillis = FIRST_RETRY_MILLIS;
    while (true) {
      long start = System.nanoTime();
      try {
        store.write(readings);
        metrics.storeBatch(readings.size(), System.nanoTime() - start);
        if (failure != null) {
          LOG.info("store {} takes writes again", store.describe());
          failure = null;
        }
        return;
      } catch (StoreException e) {
        if (failure == null) {
          LOG.error("store {} failed to write {} readings, retrying with backoff: {}",
              store.describe(), readings.size(), e.getMessage());
        }
        failure = e.getMessage();
        metrics.storeFailure();
        Thread.sleep(retryMillis);
        retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
      }
    }
  }

  private void acknowledge(List<Submission> batch) {
    long now = System.nanoTime();
    int stored = 0;
    // One ack per connection per batch: the last submission of each sink covers its earlier ones.
    Map<AckSink, Submission> latest = new LinkedHashMap<>();
    for (Submission submission : batch) {
      stored += submission.readings().size();
      metrics.ackLatency(now - submission.submittedNanos());
      latest.put(submission.sink(), submission);
    }
    metrics.readingsStored(stored);
    // Out of the queue before the acks go: a connection may send more as soon as it has its ack.
    if (queuedReadings.addAndGet(-stored) <= capacity / 2) {
      releaseDrainWaiters();
    }
    for (Submission submission : latest.values()) {
      submission.context().runOnContext(ignored -> submission.sink().acked(submission.cumulativePackets()));
    }
  }

  private void releaseDrainWaiters() {
    Runnable waiter;
    while ((waiter = drainWaiters.poll()) != null) {
      waiter.run();
    }
  }
}
