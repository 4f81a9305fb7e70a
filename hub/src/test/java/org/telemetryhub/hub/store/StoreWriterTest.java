package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.testing.Poll;

/** The batching writer against a fake store that records batches and can be made to fail. */
class StoreWriterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Records each batch; fails while {@code failing} is set. */
  private static final class FakeStore implements ReadingStore {
    final List<List<Reading>> batches = new CopyOnWriteArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();
    /** When set, the next write throws it: what a store's bug or the JVM could throw. */
    volatile RuntimeException unexpected;
    volatile Error error;
    final AtomicInteger attempts = new AtomicInteger();
    final List<String> writerThreads = new CopyOnWriteArrayList<>();
    /** When each stored batch's write began (System.nanoTime). */
    final List<Long> writeStarts = new CopyOnWriteArrayList<>();
    volatile int lanes = 1;
    volatile long writeMillis;
    /** While set, writes wait for it: the test queues everything before the store takes anything more. */
    volatile java.util.concurrent.CountDownLatch hold;

    @Override public void write(List<Reading> batch) throws StoreException {
      long started = System.nanoTime();
      attempts.incrementAndGet();
      if (failing.get()) {
        throw new StoreException("disk on fire", null);
      }
      RuntimeException bug = unexpected;
      if (bug != null) {
        unexpected = null;
        throw bug;
      }
      if (error != null) {
        throw error;
      }
      java.util.concurrent.CountDownLatch held = hold;
      if (held != null) {
        try {
          held.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (writeMillis > 0) {
        LockSupport.parkNanos(writeMillis * 1_000_000);
      }
      writeStarts.add(started);
      writerThreads.add(Thread.currentThread().getName());
      batches.add(List.copyOf(batch));
    }
    @Override public int writeLanes() { return lanes; }
    @Override public int laneOf(String device) { return device.startsWith("a") ? 0 : 1; }
    int stored() { return batches.stream().mapToInt(List::size).sum(); }
    @Override public List<Reading> query(String device, long from, long to, int limit) { return List.of(); }
    @Override public long latestTimestamp(String device) { return -1; }
    @Override public long count(String device, long from, long to) { return 0; }
    @Override public List<Reading> latestReadings() { return List.of(); }
    @Override public boolean hasReadings(String device) { return false; }
    @Override public long deleteOlderThan(long cutoff) { return 0; }
    @Override public String describe() { return "fake"; }
    @Override public void close() { }
  }

  /**
   * Records the acks a connection receives, which thread they arrive on and, when it is given the
   * store, how many readings the store held at the moment of each ack.
   */
  private static final class Acks implements AckSink {
    final List<Long> values = Collections.synchronizedList(new ArrayList<>());
    final List<Boolean> onEventLoop = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> storedAtAck = Collections.synchronizedList(new ArrayList<>());
    private final FakeStore store;

    Acks() {
      this(null);
    }

    Acks(FakeStore store) {
      this.store = store;
    }

    @Override public void acked(long cumulativePackets) {
      if (store != null) {
        storedAtAck.add(store.stored());
      }
      values.add(cumulativePackets);
      onEventLoop.add(Context.isOnEventLoopThread());
    }
    long last() { return values.isEmpty() ? 0 : values.get(values.size() - 1); }
  }

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final FakeStore store = new FakeStore();
  private StoreWriter writer;

  @AfterEach
  void stop() throws InterruptedException {
    if (writer != null) {
      writer.stop(Duration.ofSeconds(5));
    }
    vertx.close();
  }

  private StoreWriter start(int batchSize, Duration maxAge, int capacity) {
    writer = new StoreWriter(store, batchSize, maxAge, capacity, HubMetrics.NOOP);
    writer.start();
    return writer;
  }

  private static List<Reading> readings(String device, int from, int count) {
    List<Reading> readings = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      readings.add(new Reading(device, from + i, 20, 50, 1000));
    }
    return readings;
  }

  @Test
  void acksComeAfterTheBatchIsStoredOnTheConnectionsContextAndInOrder() {
    start(1000, Duration.ofMillis(20), 100_000);
    Acks acks = new Acks(store);
    long cumulative = 0;
    for (int frame = 0; frame < 50; frame++) {
      cumulative += 10;
      writer.submit("d", readings("d", frame * 10, 10), cumulative, acks, context);
    }
    Poll.untilEquals("last ack", WAIT, 500L, acks::last);
    assertEquals(500, store.stored());
    List<Long> seen = new ArrayList<>(acks.values);
    List<Long> sorted = new ArrayList<>(seen);
    Collections.sort(sorted);
    assertEquals(sorted, seen, "acks only grow");
    assertTrue(seen.size() < 50, "acks of one batch are coalesced per connection: " + seen.size());
    assertFalse(acks.onEventLoop.contains(false), "acks run on the connection's event loop");
    for (int i = 0; i < seen.size(); i++) {
      // one reading per packet here: an ack of n packets needs n readings in the store when it is sent
      assertTrue(acks.storedAtAck.get(i) >= seen.get(i), "ack " + seen.get(i) + " sent with " + acks.storedAtAck.get(i) + " stored");
    }
  }

  @Test
  void batchesCloseBySize() {
    start(100, Duration.ofSeconds(30), 100_000);
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 60), 60, acks, context);
    writer.submit("d", readings("d", 60, 60), 120, acks, context);
    Poll.untilEquals("ack", WAIT, 120L, acks::last);
    assertEquals(1, store.batches.size(), "120 readings reached the size of 100 long before the 30 s age");
  }

  /** The lane already holds the first readings and sleeps while they age: the rest that fills the batch wakes it. */
  @Test
  void readingsThatFillAnAgeingBatchWakeTheLane() throws Exception {
    start(100, Duration.ofSeconds(30), 100_000);
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 60), 60, acks, context);
    Thread.sleep(300); // the lane has taken the 60 and sleeps for the batch's age
    writer.submit("d", readings("d", 60, 60), 120, acks, context);
    Poll.untilEquals("ack", WAIT, 120L, acks::last);
    assertEquals(1, store.batches.size(), "one batch, closed by size, not by the 30 s age");
  }

  /**
   * Readings left behind by a full batch keep their age: frames submitted while the lane was
   * writing, more than a batch of them, are written by their own submission time plus the batch
   * age (3 s), as soon as the lane is free, not a whole batch age after the full batch was taken.
   */
  @Test
  void readingsLeftBehindByAFullBatchKeepTheirAge() throws Exception {
    start(100, Duration.ofSeconds(3), 100_000);
    store.writeMillis = 1000;
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 100), 100, acks, context); // a full batch: written at once, for 1 s
    Thread.sleep(100);
    long submitted = System.nanoTime();
    for (int i = 1; i <= 3; i++) { // taken when the lane is free: 100 make the next batch, 50 are left behind
      writer.submit("d", readings("d", 50 * (i + 1), 50), 100 + 50 * i, acks, context);
    }
    Poll.untilEquals("ack", WAIT, 250L, acks::last);
    assertEquals(List.of(100, 100, 50), store.batches.stream().map(List::size).toList());
    long leftBehindWrittenAfterMillis = (store.writeStarts.get(2) - submitted) / 1_000_000;
    System.out.println("the 50 left behind were written " + leftBehindWrittenAfterMillis + " ms after their submission");
    assertTrue(leftBehindWrittenAfterMillis < 3_500, "written " + leftBehindWrittenAfterMillis
        + " ms after their submission with a batch age of 3 s (the clock restarted when the full batch was taken: about 3,900 ms)");
  }

  @Test
  void batchesCloseByAge() {
    start(1_000_000, Duration.ofMillis(50), 2_000_000);
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 3), 3, acks, context);
    Poll.untilEquals("ack", WAIT, 3L, acks::last);
    assertEquals(List.of(3), store.batches.stream().map(List::size).toList());
  }

  @Test
  void framesWithNoValidReadingAreAckedInTurn() {
    start(1000, Duration.ofMillis(10), 100_000);
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 5), 5, acks, context);
    writer.submit("d", List.of(), 8, acks, context);
    Poll.untilEquals("ack", WAIT, 8L, acks::last);
    assertEquals(5, store.stored());
  }

  @Test
  void failuresAreRetriedAndNothingIsAckedMeanwhile() {
    start(1000, Duration.ofMillis(5), 100_000);
    store.failing.set(true);
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 10), 10, acks, context);
    Poll.until("two failed attempts", WAIT, () -> store.attempts.get() >= 2);
    assertEquals(List.of(), acks.values);
    assertNotNull(writer.failure());
    assertTrue(writer.failure().contains("disk on fire"));

    store.failing.set(false);
    Poll.untilEquals("ack after recovery", WAIT, 10L, acks::last);
    assertNull(writer.failure());
    assertEquals(10, store.stored());
  }

  /** Verifies that a store that throws something unexpected is retried like a failing one: nothing is lost, the lane goes on. */
  @Test
  void anUnexpectedExceptionOfTheStoreIsRetried() {
    start(1000, Duration.ofMillis(5), 100_000);
    store.unexpected = new IllegalStateException("a bug in the driver");
    Acks acks = new Acks();
    writer.submit("d", readings("d", 0, 10), 10, acks, context);
    Poll.untilEquals("ack after the retry", WAIT, 10L, acks::last);
    assertEquals(10, store.stored());
    assertNull(writer.failure());
  }

  /** Verifies that a lane whose thread ended on an error is reported as a failure (readiness fails), not left silent. */
  @Test
  void aLaneThatDiedIsAFailure() {
    start(1000, Duration.ofMillis(5), 100_000);
    assertNull(writer.failure());
    store.error = new LinkageError("a class the driver needs is missing");
    writer.submit("d", readings("d", 0, 10), 10, new Acks(), context);
    Poll.until("the lane reported as stopped", WAIT, () -> writer.failure() != null);
    assertEquals("store writer store-writer has stopped", writer.failure());
  }

  @Test
  void aFullQueueAsksForBackpressureAndSignalsWhenDrained() {
    start(1000, Duration.ofMillis(5), 100);
    store.failing.set(true);
    Acks acks = new Acks();
    assertTrue(writer.submit("d", readings("d", 0, 60), 60, acks, context), "below capacity");
    assertFalse(writer.submit("d", readings("d", 60, 60), 120, acks, context), "at capacity: pause");
    AtomicBoolean resumed = new AtomicBoolean();
    writer.whenDrained(() -> resumed.set(true));
    assertFalse(resumed.get());
    assertEquals(120, writer.queuedReadings());

    store.failing.set(false);
    Poll.until("resumed", WAIT, resumed::get);
    Poll.untilEquals("ack", WAIT, 120L, acks::last);
    assertEquals(0, writer.queuedReadings());
  }

  @Test
  void stopStoresAndAcksEverythingSubmitted() throws InterruptedException {
    start(10, Duration.ofSeconds(30), 100_000);
    Acks acks = new Acks();
    for (int i = 0; i < 100; i++) {
      writer.submit("d", readings("d", i * 3, 3), (i + 1) * 3L, acks, context);
    }
    assertTrue(writer.stop(Duration.ofSeconds(5)));
    writer = null;
    assertEquals(300, store.stored());
    Poll.untilEquals("final ack", WAIT, 300L, acks::last);
  }

  /** A device that sends little is not stuck behind the backlog of one that sends a lot. */
  @Test
  void whenTheStoreIsBehindEveryConnectionGetsItsTurn() {
    store.hold = new java.util.concurrent.CountDownLatch(1);
    start(1000, Duration.ZERO, 1_000_000);
    Acks hog = new Acks();
    for (int frame = 0; frame < 100; frame++) {
      writer.submit("hog", readings("hog", frame * 100, 100), (frame + 1) * 100L, hog, context);
    }
    Acks small = new Acks();
    writer.submit("small", readings("small", 0, 10), 10, small, context);
    store.hold.countDown(); // the lane may have taken one batch of the hog's before the small device's frame came
    Poll.untilEquals("the small device's ack", WAIT, 10L, small::last);
    Poll.untilEquals("the hog's last ack", WAIT, 10_000L, hog::last);
    int smallsBatch = -1;
    for (int i = 0; i < store.batches.size() && smallsBatch < 0; i++) {
      if (store.batches.get(i).stream().anyMatch(r -> r.device().equals("small"))) {
        smallsBatch = i;
      }
    }
    assertTrue(store.batches.size() >= 10, "the hog's 10,000 readings took batches of at most 1,000: " + store.batches.size());
    assertTrue(smallsBatch >= 0 && smallsBatch <= 1, "the small device's frame went into the first or second batch, not "
        + "behind the hog's 10,000 as FIFO batches would put it: batch " + smallsBatch + " of " + store.batches.size());
  }

  /** Two lanes write at once on two threads; each device's readings stay in order in its own lane. */
  @Test
  void eachLaneWritesOnItsOwnThreadAndKeepsItsDevicesInOrder() {
    store.lanes = 2;
    store.writeMillis = 2;
    start(100, Duration.ZERO, 1_000_000);
    assertEquals(2, writer.lanes());
    Acks a = new Acks();
    Acks b = new Acks();
    for (int frame = 0; frame < 50; frame++) {
      writer.submit("a-1", readings("a-1", frame * 10, 10), (frame + 1) * 10L, a, context);
      writer.submit("b-1", readings("b-1", frame * 10, 10), (frame + 1) * 10L, b, context);
    }
    Poll.untilEquals("a's ack", WAIT, 500L, a::last);
    Poll.untilEquals("b's ack", WAIT, 500L, b::last);
    assertEquals(2, store.writerThreads.stream().distinct().count(), "two writer threads: " + store.writerThreads);
    for (String device : List.of("a-1", "b-1")) {
      List<Long> stamps = store.batches.stream().flatMap(List::stream).filter(r -> r.device().equals(device)).map(Reading::ts).toList();
      List<Long> sorted = new ArrayList<>(stamps);
      Collections.sort(sorted);
      assertEquals(sorted, stamps, device + "'s readings are written in the order they came");
      assertTrue(store.batches.stream().noneMatch(batch -> batch.stream().map(Reading::device).distinct().count() > 1),
          "a batch holds the devices of one lane only");
    }
  }
}
