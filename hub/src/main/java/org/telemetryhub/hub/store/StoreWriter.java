package org.telemetryhub.hub.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.protocol.Reading;

/**
 * Writes readings on threads of its own, never on an event loop, and acknowledges them only after
 * the batch that holds them is stored.
 *
 * <p>The store says how many independent write lanes it has ({@link ReadingStore#writeLanes}: the
 * shards of the embedded store, the requests in flight to InfluxDB) and which lane a device's
 * readings take; each lane is a {@link WriteLane} with its own thread, so every core can commit at
 * once while one device's readings stay in one lane, in order. Within a lane, batches take the
 * connections' frames in turn (see WriteLane), so every device gets its share when the store is behind.
 *
 * <p>The queue is bounded by backpressure rather than by refusing: a submission that takes the
 * queue to {@code capacity} readings or more returns false, and its connection pauses its socket
 * until {@link #whenDrained} calls back (at half the capacity). Each connection overshoots by at
 * most one frame. When the store fails, the batch is retried with backoff; nothing is acknowledged
 * meanwhile, so the queue fills and ingest pauses instead of buffering without limit.
 */
public final class StoreWriter {

  private final ReadingStore store;
  private final int capacity;
  private final WriteLane[] lanes;
  private final AtomicInteger queuedReadings = new AtomicInteger();
  private final Queue<Runnable> drainWaiters = new ConcurrentLinkedQueue<>();

  /**
   * @param batchSize readings per batch at most
   * @param maxWait   how long a lane waits for a batch to fill before it commits; zero commits as soon
   *                  as the lane is free (what is queued meanwhile makes the next batch)
   */
  public StoreWriter(ReadingStore store, int batchSize, Duration maxWait, int capacity, HubMetrics metrics) {
    this.store = store;
    this.capacity = capacity;
    this.lanes = new WriteLane[Math.max(1, store.writeLanes())];
    for (int i = 0; i < lanes.length; i++) {
      String name = lanes.length == 1 ? "store-writer" : "store-writer-" + i;
      lanes[i] = new WriteLane(name, i, store, batchSize, maxWait, metrics, this::stored);
    }
    metrics.registerStoreQueue(queuedReadings::get);
  }

  public void start() {
    for (WriteLane lane : lanes) {
      lane.start();
    }
  }

  /**
   * Completes (on {@code context}) once every reading submitted before this call is committed, on
   * every lane: a subscriber resuming from the store reads after it, so that a reading published
   * before its subscription is in the store by then.
   */
  public Future<Void> barrier(Context context) {
    Promise<Void> promise = Promise.promise();
    AtomicInteger lanesLeft = new AtomicInteger(lanes.length);
    for (WriteLane lane : lanes) {
      lane.barrier(() -> {
        if (lanesLeft.decrementAndGet() == 0) {
          context.runOnContext(ignored -> promise.tryComplete());
        }
      });
    }
    return promise.future();
  }

  /** How many lanes write at once. */
  public int lanes() {
    return lanes.length;
  }

  /**
   * Queues one frame's valid readings of {@code device} (possibly none: the ack must still wait for
   * the frame's predecessors). The sink is told {@code cumulativePackets} on {@code context} once stored.
   *
   * @return false when the queue is at capacity: the caller should pause its input until {@link #whenDrained}
   */
  public boolean submit(String device, List<Reading> readings, long cumulativePackets, AckSink sink, Context context) {
    int queued = queuedReadings.addAndGet(readings.size());
    int lane = lanes.length == 1 ? 0 : store.laneOf(device);
    lanes[lane].submit(new WriteLane.Submission(readings, cumulativePackets, sink, context, System.nanoTime()));
    return queued < capacity;
  }

  /** Runs {@code resume} once the queue has drained to half its capacity (at once if it already has). */
  public void whenDrained(Runnable resume) {
    drainWaiters.add(resume);
    if (queuedReadings.get() <= capacity / 2) {
      releaseDrainWaiters();
    }
  }

  /** Null while the store takes writes; otherwise why the last attempt of a lane failed. */
  public String failure() {
    for (WriteLane lane : lanes) {
      String failure = lane.failure();
      if (failure != null) {
        return failure;
      }
    }
    return null;
  }

  public int queuedReadings() {
    return queuedReadings.get();
  }

  /**
   * Writes everything already submitted, sends its acks, then stops the lanes. Blocks for at most
   * {@code timeout}; returns false if the queue could not be flushed in time.
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    for (WriteLane lane : lanes) {
      lane.finish();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean flushed = true;
    for (WriteLane lane : lanes) {
      flushed &= lane.awaitStopped(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    return flushed;
  }

  /** A lane stored {@code count} readings: out of the queue before their acks go, so connections may send more. */
  private void stored(int count) {
    if (queuedReadings.addAndGet(-count) <= capacity / 2) {
      releaseDrainWaiters();
    }
  }

  private void releaseDrainWaiters() {
    Runnable waiter;
    while ((waiter = drainWaiters.poll()) != null) {
      waiter.run();
    }
  }
}
