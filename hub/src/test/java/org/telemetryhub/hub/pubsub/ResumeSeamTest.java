package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.protocol.Reading;

/** Where a resume's stored readings meet the live ones: held, released less what was replayed, late copies dropped. */
class ResumeSeamTest {

  /** The timers the seam set, run by the test when it says so. */
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private final SubscriberQueue queue = new SubscriberQueue(1000, 1 << 20, (policy, count) -> { });
  private final ResumeSeam seam = new ResumeSeam(queue, (millis, action) -> {
    delays.add(millis);
    timers.add(action);
  });

  private static byte[] reading(String device, long ts) {
    return Messages.reading(new Reading(device, ts, 20f, 40f, 1000f));
  }

  private static Published live(String device, long ts) {
    return Published.of("readings", device, ts, reading(device, ts));
  }

  private void publish(String device, long ts) {
    queue.offer(live(device, ts), 1);
  }

  /** What the subscriber would be sent now, in order, as text. */
  private List<String> sent() {
    List<String> sent = new ArrayList<>();
    for (SubscriberQueue.Pending next = queue.poll(); next != null; next = queue.poll()) {
      sent.add(new String(next.message(), StandardCharsets.UTF_8));
    }
    return sent;
  }

  @Test
  void liveMessagesWaitBehindTheRepliesAndFollowThemLessWhatTheReplayCarried() {
    seam.hold();
    publish("a", 10); // live, while the store is read: 10 is in the replay too
    publish("a", 11);
    queue.control(List.of(reading("a", 9), reading("a", 10), "{\"ack\":1}".getBytes(StandardCharsets.UTF_8)));
    ReplayedReadings replayed = new ReplayedReadings();
    replayed.add("a", 9);
    replayed.add("a", 10);
    seam.release(replayed);
    assertEquals(List.of(new String(reading("a", 9), StandardCharsets.UTF_8), new String(reading("a", 10), StandardCharsets.UTF_8),
        "{\"ack\":1}", new String(reading("a", 11), StandardCharsets.UTF_8)), sent(), "replies first, 10 once, then 11");
  }

  @Test
  void nothingIsSentWhileHeld() {
    seam.hold();
    publish("a", 1);
    assertEquals(List.of(), sent());
    seam.release(ReplayedReadings.NONE);
    assertEquals(1, sent().size());
  }

  /** A copy from another node that comes after the seam is dropped until the late-copy window ends. */
  @Test
  void lateCopiesOfReplayedReadingsAreDroppedForAWhile() {
    ReplayedReadings replayed = new ReplayedReadings();
    replayed.add("a", 5);
    seam.hold();
    seam.release(replayed);
    assertTrue(seam.lateCopy(live("a", 5)));
    assertFalse(seam.lateCopy(live("a", 6)), "a reading the replay did not carry passes");
    assertFalse(seam.lateCopy(live("b", 5)), "nor one of another device");
    assertEquals(List.of(ResumeSeam.LATE_COPIES_MILLIS), delays);
    timers.get(0).run();
    assertFalse(seam.lateCopy(live("a", 5)), "after the window, a copy is a new message");
  }

  /** The window of an earlier replay ending does not end the window of a later one. */
  @Test
  void anEarlierWindowEndingLeavesTheLaterOne() {
    ReplayedReadings first = new ReplayedReadings();
    first.add("a", 1);
    ReplayedReadings second = new ReplayedReadings();
    second.add("a", 2);
    seam.hold();
    seam.release(first);
    seam.hold();
    seam.release(second);
    timers.get(0).run(); // the first replay's window ends
    assertTrue(seam.lateCopy(live("a", 2)));
    assertFalse(seam.lateCopy(live("a", 1)), "only the latest replay is remembered");
  }

  @Test
  void aReplayThatCarriedNothingSetsNoTimer() {
    seam.hold();
    seam.release(ReplayedReadings.NONE);
    assertEquals(List.of(), delays);
    assertFalse(seam.lateCopy(live("a", 1)));
  }
}
