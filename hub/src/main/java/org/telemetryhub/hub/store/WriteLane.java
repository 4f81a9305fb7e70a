package org.telemetryhub.hub.store;

import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.process.FatalErrors;
import org.telemetryhub.hub.protocol.Reading;

/**
 * One write lane of the {@link StoreWriter}: a thread that takes the submissions of its devices,
 * writes them in batches and acknowledges each batch on the connections' own contexts.
 *
 * <p>Fair when the store is behind: submissions wait per connection, and a batch takes one frame
 * from each waiting connection in turn (the turn order carries over from batch to batch), so a
 * device is never stuck behind the backlog of others; each one's ack latency is its own backlog
 * over its share. A lane commits as soon as it is free unless told to wait for batches to fill.
 */
final class WriteLane {

  record Submission(List<Reading> readings, long cumulativePackets, AckSink sink, Context context, long submittedNanos) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(WriteLane.class);
  private static final long FIRST_RETRY_MILLIS = 100;
  /** Retries back off to this: a store that recovers (space returns, InfluxDB restarts) takes writes within it. */
  private static final long MAX_RETRY_MILLIS = 2_000;
  /** A write that has not returned for this long is reported (readiness fails) until it does. */
  private static final long STALLED_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** How long an idle lane sleeps before it looks whether it is finishing (finish also wakes it). */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ReadingStore store;
  /** This lane's number: the store's lane of its devices. */
  private final int index;
  private final int batchSize;
  private final long maxWaitNanos;
  private final HubMetrics metrics;
  private final IntConsumer stored;
  private final Thread thread;
  /** From event loops: bounded by the writer's capacity (backpressure), one frame over per connection. */
  private final ConcurrentLinkedQueue<Submission> incoming = new ConcurrentLinkedQueue<>();
  /** Readings in {@link #incoming}: a submission wakes the lane only when they make a batch. */
  private final AtomicInteger incomingReadings = new AtomicInteger();
  /**
   * What the lane sleeps for, if it sleeps: {@link #IDLE}, nothing waits and the first submission
   * wakes it; {@link #AGEING}, a batch ages and only a submission that fills it wakes it; otherwise
   * {@link #AWAKE} and no submission wakes it. Each submission woke the lane through a blocking
   * queue (a futex call on both sides per frame, for 15,000 devices at 1/s a fifth of a core), and
   * an unpark per submission while the lane writes contends for the lane's parker at full load.
   */
  private volatile int sleeping;
  /**
   * While {@link #AGEING}: how many readings must come in to fill the batch (the batch size less
   * what already waits). Written before {@link #sleeping}, so a submission that sees AGEING sees it.
   */
  private volatile int ageingNeeds;
  private static final int AWAKE = 0;
  private static final int IDLE = 1;
  private static final int AGEING = 2;
  private volatile boolean finishing;
  private volatile String failure;
  /** When the store write under way started (System.nanoTime()), or 0 between writes. */
  private volatile long writeStartedNanos;

  // The lane thread's own: submissions waiting per connection, and whose turn it is.
  private final Map<AckSink, ArrayDeque<Submission>> waiting = new HashMap<>();
  private final ArrayDeque<AckSink> turns = new ArrayDeque<>();
  private int waitingReadings;
  private boolean upkeepFailing;
  private long waitingSinceNanos;
  /** Barriers waiting for the last submission of each connection that was waiting when they arrived. */
  private final List<Barrier> barriers = new ArrayList<>();

  /** Runs {@code done} (on the lane's thread) once every submission made before the barrier is committed. */
  private static final class Barrier implements AckSink {
    final Runnable done;
    final Set<Submission> tails = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    Barrier(Runnable done) {
      this.done = done;
    }

    @Override
    public void acked(long cumulativePackets) {
      // never called: a barrier is not written
    }
  }

  WriteLane(String name, int index, ReadingStore store, int batchSize, Duration maxWait, HubMetrics metrics,
      IntConsumer stored) {
    this.store = store;
    this.index = index;
    this.batchSize = batchSize;
    this.maxWaitNanos = maxWait.toNanos();
    this.metrics = metrics;
    this.stored = stored;
    this.thread = new Thread(this::run, name);
    // A lane left behind by a stop (a write that never returns) must not keep the process alive.
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void submit(Submission submission) {
    incoming.add(submission);
    int readings = incomingReadings.addAndGet(submission.readings().size());
    int reason = sleeping;
    if (reason == IDLE || reason == AGEING && readings >= ageingNeeds) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Runs {@code done} on the lane's thread once every submission this lane took before this call
   * is committed: it queues behind them, and waits for the last waiting frame of each connection.
   */
  void barrier(Runnable done) {
    incoming.add(new Submission(List.of(), 0, new Barrier(done), null, System.nanoTime()));
    LockSupport.unpark(thread);
  }

  /**
   * Null while the lane takes writes; otherwise why not: the store's last failure, a lane whose
   * thread has ended, or one whose write has not returned for {@link #STALLED_AFTER_NANOS}.
   */
  String failure() {
    if (!finishing && thread.getState() == Thread.State.TERMINATED) {
      return "store writer " + thread.getName() + " has stopped";
    }
    String last = failure;
    if (last != null) {
      return last;
    }
    long started = writeStartedNanos;
    long writing = started == 0 ? 0 : System.nanoTime() - started;
    if (writing > STALLED_AFTER_NANOS) {
      return "store writer " + thread.getName() + " has waited " + writing / 1_000_000_000 + " s for a write to return";
    }
    return null;
  }

  /** Writes what is submitted, then stops. */
  void finish() {
    finishing = true;
    LockSupport.unpark(thread);
  }

  /**
   * Waits for the lane to stop; false when it did not within the time. Then the thread is
   * interrupted and left to end by itself: a store write that never returns (a request without an
   * answer, a stuck disk) cannot be interrupted, and must not hold the hub's stop.
   */
  boolean awaitStopped(long timeoutMillis) throws InterruptedException {
    thread.join(timeoutMillis);
    if (thread.isAlive()) {
      thread.interrupt();
      return false;
    }
    return true;
  }

  private void run() {
    List<Submission> batch = new ArrayList<>();
    List<Reading> readings = new ArrayList<>();
    try {
      while (!finishing || !incoming.isEmpty() || !turns.isEmpty()) {
        if (turns.isEmpty()) {
          awaitFirst();
          takeIncoming();
          if (turns.isEmpty()) {
            continue; // nothing came, or only barriers, and nothing waited
          }
        }
        takeIncoming();
        awaitFullerBatch();
        fillBatch(batch, readings);
        writeWithRetry(readings);
        acknowledge(batch);
        batch.clear();
        readings.clear();
        upkeep();
      }
    } catch (InterruptedException e) {
      LOG.warn("{} interrupted with readings not stored; their devices will resend them", thread.getName());
    } catch (RuntimeException | Error e) {
      FatalErrors.check(e); // out of memory: the process ends, for its supervisor to restart it
      LOG.error("{} stopped on an unexpected failure; its devices get no acks until the hub restarts", thread.getName(), e);
    }
  }

  /** Sleeps until a submission comes (or 100 ms pass: the loop checks whether the lane is finishing). */
  private void awaitFirst() throws InterruptedException {
    sleeping = IDLE;
    // A submission added before this was set is seen here; one added after it unparks the thread.
    if (incoming.isEmpty() && !finishing) {
      LockSupport.parkNanos(this, IDLE_PARK_NANOS);
    }
    sleeping = AWAKE;
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  private void takeIncoming() {
    Submission next;
    while ((next = incoming.poll()) != null) {
      incomingReadings.addAndGet(-next.readings().size());
      enqueue(next);
    }
  }

  private void enqueue(Submission submission) {
    if (submission.sink() instanceof Barrier barrier) {
      for (ArrayDeque<Submission> ofSink : waiting.values()) {
        barrier.tails.add(ofSink.peekLast());
      }
      if (barrier.tails.isEmpty()) {
        barrier.done.run();
      } else {
        barriers.add(barrier);
      }
      return;
    }
    if (turns.isEmpty()) {
      waitingSinceNanos = submission.submittedNanos();
    }
    ArrayDeque<Submission> ofSink = waiting.get(submission.sink());
    if (ofSink == null) {
      ofSink = new ArrayDeque<>();
      waiting.put(submission.sink(), ofSink);
      turns.addLast(submission.sink());
    }
    ofSink.addLast(submission);
    waitingReadings += submission.readings().size();
  }

  /**
   * With a maximum wait: until a batch's worth waits or the oldest has waited that long. The lane
   * sleeps through the wait; a submission wakes it only when what came in makes a batch.
   */
  private void awaitFullerBatch() throws InterruptedException {
    if (maxWaitNanos > 0) {
      ageingNeeds = batchSize - waitingReadings;
      sleeping = AGEING;
      // As in awaitFirst: a submission counted before this was set is seen by the condition.
      while (waitingReadings + incomingReadings.get() < batchSize && !finishing) {
        long wait = waitingSinceNanos + maxWaitNanos - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        LockSupport.parkNanos(this, wait);
        if (Thread.interrupted()) {
          sleeping = AWAKE;
          throw new InterruptedException();
        }
      }
      sleeping = AWAKE;
    }
    takeIncoming();
  }

  /**
   * Takes one frame from each waiting connection in turn until the batch is full or nothing waits;
   * {@code readings} gets the frames' readings, in the same order, for the store.
   */
  private void fillBatch(List<Submission> batch, List<Reading> readings) {
    while (readings.size() < batchSize && !turns.isEmpty()) {
      AckSink sink = turns.pollFirst();
      ArrayDeque<Submission> ofSink = waiting.get(sink);
      Submission submission = ofSink.pollFirst();
      batch.add(submission);
      readings.addAll(submission.readings());
      if (ofSink.isEmpty()) {
        waiting.remove(sink);
      } else {
        turns.addLast(sink);
      }
    }
    waitingReadings -= readings.size();
    waitingSinceNanos = oldestWaiting();
  }

  /**
   * When the oldest frame still waiting was submitted: what is left behind by a full batch keeps
   * the age it has (a connection's frames wait in order, so its oldest is the first).
   */
  private long oldestWaiting() {
    long oldest = System.nanoTime();
    for (AckSink sink : turns) {
      oldest = Math.min(oldest, waiting.get(sink).peekFirst().submittedNanos());
    }
    return oldest;
  }

  private void writeWithRetry(List<Reading> readings) throws InterruptedException {
    if (readings.isEmpty()) {
      return;
    }
    long retryMillis = FIRST_RETRY_MILLIS;
    while (true) {
      long start = System.nanoTime();
      writeStartedNanos = start;
      try {
        store.write(readings);
        writeStartedNanos = 0;
        metrics.storeBatch(readings.size(), System.nanoTime() - start);
        if (failure != null) {
          LOG.info("store {} takes writes again", store.describe());
          failure = null;
        }
        return;
      } catch (StoreException | RuntimeException e) {
        if (failure == null) {
          LOG.error("store {} failed to write {} readings, retrying with backoff: {}",
              store.describe(), readings.size(), e.getMessage());
        }
        failure = e.getMessage();
        metrics.storeFailure();
        writeStartedNanos = 0;
        Thread.sleep(retryMillis);
        retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
      }
    }
  }

  /** The store's upkeep after a batch; a failure is the store's to report (it is retried after the next batch). */
  private void upkeep() {
    try {
      store.afterWrite(index);
    } catch (StoreException | RuntimeException e) {
      if (!upkeepFailing) {
        LOG.warn("{}: upkeep of store {} failed, retried after each batch: {}", thread.getName(), store.describe(),
            e.getMessage());
      }
      upkeepFailing = true;
      return;
    }
    if (upkeepFailing) {
      LOG.info("{}: upkeep of store {} succeeds again", thread.getName(), store.describe());
      upkeepFailing = false;
    }
  }

  private void acknowledge(List<Submission> batch) {
    long now = System.nanoTime();
    int count = 0;
    // One ack per connection per batch: the last submission of each sink covers its earlier ones.
    // Its latency is that of the oldest frame it covers (the first, since a sink's frames keep their
    // order): one histogram record per ack rather than per frame, which at one packet per frame was
    // an eighth of the hub's CPU samples.
    Map<AckSink, Submission> latest = new LinkedHashMap<>();
    Map<AckSink, Long> oldest = new HashMap<>();
    for (Submission submission : batch) {
      count += submission.readings().size();
      latest.put(submission.sink(), submission);
      oldest.putIfAbsent(submission.sink(), submission.submittedNanos());
    }
    metrics.readingsStored(count);
    stored.accept(count);
    if (!barriers.isEmpty()) {
      for (java.util.Iterator<Barrier> open = barriers.iterator(); open.hasNext(); ) {
        Barrier barrier = open.next();
        batch.forEach(barrier.tails::remove);
        if (barrier.tails.isEmpty()) {
          open.remove();
          barrier.done.run();
        }
      }
    }
    for (Submission submission : latest.values()) {
      metrics.ackLatency(now - oldest.get(submission.sink()));
      submission.context().runOnContext(ignored -> submission.sink().acked(submission.cumulativePackets()));
    }
  }
}
