package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriberQueueTest {

  private final Map<SlowPolicy, Long> lost = new EnumMap<>(SlowPolicy.class);

  private SubscriberQueue queue(int capacity) {
    return new SubscriberQueue(capacity, 1 << 20, (policy, count) -> lost.merge(policy, count, Long::sum));
  }

  /** A published message that is not a reading (no ts), on {@code topic} ("kind/device"). */
  private static Published message(String topic, byte[] bytes) {
    int slash = topic.indexOf('/');
    return Published.of(topic.substring(0, slash), topic.substring(slash + 1), Published.NO_TS, bytes);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> drain(SubscriberQueue queue) {
    List<String> out = new ArrayList<>();
    SubscriberQueue.Pending next;
    while ((next = queue.poll()) != null) {
      out.add(new String(next.message(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void theFirstOfferSchedulesOneFlushUntilTheQueueIsDrained() {
    SubscriberQueue queue = queue(10);
    assertEquals(SubscriberQueue.Outcome.SCHEDULE_FLUSH, queue.offer(message("readings/a", bytes("1")), 1));
    assertEquals(SubscriberQueue.Outcome.NOTHING, queue.offer(message("readings/a", bytes("2")), 1));
    assertEquals(List.of("1", "2"), drain(queue));
    assertEquals(SubscriberQueue.Outcome.SCHEDULE_FLUSH, queue.offer(message("readings/a", bytes("3")), 1));
  }

  @Test
  void conflateKeepsTheLatestPerTopicAndCountsWhatGoes() {
    SubscriberQueue queue = queue(3);
    queue.offer(message("readings/a", bytes("a1")), 1);
    queue.offer(message("readings/b", bytes("b1")), 1);
    queue.offer(message("readings/a", bytes("a2")), 1);
    queue.offer(message("readings/a", bytes("a3")), 1); // full: the oldest of a goes
    queue.offer(message("readings/c", bytes("c1")), 1); // full, no c pending: the oldest goes
    assertEquals(List.of("a2", "a3", "c1"), drain(queue));
    assertTrue(new String(queue.lossReport().get(0), StandardCharsets.UTF_8).contains("\"lost\":2"));
    assertEquals(null, queue.lossReport(), "reported once");
    assertEquals(2, queue.lostTotal());
  }

  /**
   * Verifies that a loss report waits for the subscriber to read the one before it: losses add up
   * meanwhile, so a subscriber that reads nothing has one report waiting, not one per second.
   */
  @Test
  void aLossReportWaitsForTheOneBeforeToBeRead() {
    SubscriberQueue queue = queue(1);
    assertEquals(null, queue.lossReport(), "nothing lost, nothing to report");
    queue.offer(message("readings/a", bytes("a1")), 1);
    queue.offer(message("readings/a", bytes("a2")), 1); // a1 conflated
    List<byte[]> first = queue.lossReport();
    assertEquals(2, first.size(), "$hub/lost and one $hub/gap");
    queue.control(first); // written to the subscriber's queue, not read yet
    queue.offer(message("readings/b", bytes("b1")), 1);
    queue.offer(message("readings/b", bytes("b2")), 1);
    assertEquals(null, queue.lossReport(), "the first report is still unread");
    assertEquals(List.of(new String(first.get(0), StandardCharsets.UTF_8), new String(first.get(1), StandardCharsets.UTF_8), "b2"),
        drain(queue));
    List<byte[]> second = queue.lossReport();
    assertTrue(new String(second.get(0), StandardCharsets.UTF_8).contains("\"lost\":2"), "both losses since: "
        + new String(second.get(0), StandardCharsets.UTF_8));
  }

  /** Verifies that a report names at most 256 channels, and counts the losses of the others under "#". */
  @Test
  void aLossReportIsBoundedInChannels() {
    SubscriberQueue queue = queue(1);
    for (int i = 0; i < 1000; i++) {
      queue.offer(message("readings/d" + i, bytes("x")), 1);
    }
    List<byte[]> report = queue.lossReport();
    assertEquals(1 + SubscriberQueue.MAX_GAP_CHANNELS + 1, report.size(), "$hub/lost, 256 channels and '#'");
    assertTrue(new String(report.get(report.size() - 1), StandardCharsets.UTF_8).contains("\"channel\":\"#\""));
  }

  @Test
  void dropOldestDropsTheHead() {
    SubscriberQueue queue = queue(2);
    queue.policy(SlowPolicy.DROP_OLDEST);
    queue.offer(message("readings/a", bytes("1")), 1);
    queue.offer(message("readings/a", bytes("2")), 1);
    queue.offer(message("readings/b", bytes("3")), 1);
    assertEquals(List.of("2", "3"), drain(queue));
    assertEquals(1, queue.lostTotal());
  }

  /** Verifies that disconnect says so once, and counts as lost what waited and whatever comes after. */
  @Test
  void disconnectSaysSoOnceAndCountsEverythingItLoses() {
    SubscriberQueue queue = queue(1);
    queue.policy(SlowPolicy.DISCONNECT);
    queue.offer(message("readings/a", bytes("1")), 1);
    assertEquals(SubscriberQueue.Outcome.DISCONNECT, queue.offer(message("readings/a", bytes("2")), 1));
    assertEquals(SubscriberQueue.Outcome.NOTHING, queue.offer(message("readings/a", bytes("3")), 1));
    assertEquals(3, queue.lostTotal(), "the one waiting, the one that overflowed, the one after");
    assertEquals(List.of(), drain(queue), "nothing waits once the disconnect is decided");
  }

  @Test
  void repliesGoFirstAndAreNeverDropped() {
    SubscriberQueue queue = queue(1);
    queue.offer(message("readings/a", bytes("live")), 1);
    queue.control(List.of(bytes("retained"), bytes("ack")));
    queue.offer(message("readings/a", bytes("live2")), 1);
    assertEquals(List.of("retained", "ack", "live2"), drain(queue));
    assertNull(queue.poll());
  }

  /** Verifies that the byte bound applies whatever the count: large messages make room by the policy too. */
  @Test
  void theByteBoundAppliesBesideTheCount() {
    SubscriberQueue queue = new SubscriberQueue(1000, 10, (policy, count) -> lost.merge(policy, count, Long::sum));
    queue.policy(SlowPolicy.DROP_OLDEST);
    queue.offer(message("readings/a", bytes("aaaa")), 1);
    queue.offer(message("readings/b", bytes("bbbb")), 1);
    queue.offer(message("readings/c", bytes("cccc")), 1); // 12 bytes would not fit in 10: the oldest goes
    assertEquals(8, queue.pendingBytes());
    assertEquals(List.of("bbbb", "cccc"), drain(queue));
    assertEquals(0, queue.pendingBytes());
    assertEquals(Map.of(SlowPolicy.DROP_OLDEST, 1L), lost);
  }

  /** Verifies that losses are counted as they happen, before anything is written (a stalled subscriber never flushes). */
  @Test
  void lossesAreCountedWhenTheyHappen() {
    SubscriberQueue queue = queue(2);
    for (int i = 0; i < 10; i++) {
      queue.offer(message("readings/a", bytes("m" + i)), 1);
    }
    assertEquals(Map.of(SlowPolicy.CONFLATE, 8L), lost);
  }

  /** Verifies that replies are counted in bytes, so the connection can stop reading requests while they wait. */
  @Test
  void replyBytesAreCounted() {
    SubscriberQueue queue = queue(2);
    queue.control(List.of(bytes("12345"), bytes("678")));
    assertEquals(8, queue.controlBytes());
    queue.poll();
    assertEquals(3, queue.controlBytes());
  }

  @Test
  void everyLossIsAGapPerChannelWithItsTsRangeCountAndReason() {
    SubscriberQueue queue = queue(2);
    for (long ts = 100; ts < 110; ts++) {
      queue.offer(Published.of("readings", "a", ts, Messages.reading(new org.telemetryhub.hub.protocol.Reading("a", ts, 20f, 40f, 1000f))), 1);
    }
    queue.offer(message("status/a", bytes("{\"channel\":\"status/a\"}")), 1);
    List<io.vertx.core.json.JsonObject> gaps = queue.lossReport().stream().skip(1) // after the $hub/lost
        .map(gap -> new io.vertx.core.json.JsonObject(new String(gap, StandardCharsets.UTF_8)).getJsonObject("payload")).toList();
    // Conflate kept readings 108 and 109 until the status message pushed out the oldest of them.
    assertEquals(List.of(
        new io.vertx.core.json.JsonObject().put("channel", "readings/a").put("from", 100).put("to", 108).put("count", 9)
            .put("reason", "conflated")), gaps);
    assertEquals(null, queue.lossReport(), "reported once");
  }
}
