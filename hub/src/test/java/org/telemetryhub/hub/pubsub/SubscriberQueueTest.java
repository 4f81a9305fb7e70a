package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriberQueueTest {

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
    SubscriberQueue queue = new SubscriberQueue(10);
    assertEquals(SubscriberQueue.Outcome.SCHEDULE_FLUSH, queue.offer("readings/a", bytes("1"), 1));
    assertEquals(SubscriberQueue.Outcome.NOTHING, queue.offer("readings/a", bytes("2"), 1));
    assertEquals(List.of("1", "2"), drain(queue));
    assertEquals(SubscriberQueue.Outcome.SCHEDULE_FLUSH, queue.offer("readings/a", bytes("3"), 1));
  }

  @Test
  void conflateKeepsTheLatestPerTopicAndCountsWhatGoes() {
    SubscriberQueue queue = new SubscriberQueue(3);
    queue.offer("readings/a", bytes("a1"), 1);
    queue.offer("readings/b", bytes("b1"), 1);
    queue.offer("readings/a", bytes("a2"), 1);
    queue.offer("readings/a", bytes("a3"), 1); // full: the oldest of a goes
    queue.offer("readings/c", bytes("c1"), 1); // full, no c pending: the oldest goes
    assertEquals(List.of("a2", "a3", "c1"), drain(queue));
    assertEquals(2, queue.takeLostUnreported());
    assertEquals(0, queue.takeLostUnreported());
    assertEquals(2, queue.lostTotal());
  }

  @Test
  void dropOldestDropsTheHead() {
    SubscriberQueue queue = new SubscriberQueue(2);
    queue.policy(SlowPolicy.DROP_OLDEST);
    queue.offer("readings/a", bytes("1"), 1);
    queue.offer("readings/a", bytes("2"), 1);
    queue.offer("readings/b", bytes("3"), 1);
    assertEquals(List.of("2", "3"), drain(queue));
    assertEquals(1, queue.lostTotal());
  }

  @Test
  void disconnectSaysSoOnceAndThenIgnores() {
    SubscriberQueue queue = new SubscriberQueue(1);
    queue.policy(SlowPolicy.DISCONNECT);
    queue.offer("readings/a", bytes("1"), 1);
    assertEquals(SubscriberQueue.Outcome.DISCONNECT, queue.offer("readings/a", bytes("2"), 1));
    assertEquals(SubscriberQueue.Outcome.NOTHING, queue.offer("readings/a", bytes("3"), 1));
  }

  @Test
  void repliesGoFirstAndAreNeverDropped() {
    SubscriberQueue queue = new SubscriberQueue(1);
    queue.offer("readings/a", bytes("live"), 1);
    queue.control(List.of(bytes("retained"), bytes("ack")));
    queue.offer("readings/a", bytes("live2"), 1);
    assertEquals(List.of("retained", "ack", "live2"), drain(queue));
    assertNull(queue.poll());
  }
}
