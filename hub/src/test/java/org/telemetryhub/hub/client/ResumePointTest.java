package org.telemetryhub.hub.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResumePointTest {

  private static JsonObject reading(String device, long ts) {
    return new JsonObject().put("channel", "readings/" + device).put("payload", new JsonObject().put("device", device).put("ts", ts));
  }

  @Test
  void resumesAfterTheOldestNewestReadingAndSkipsWhatWasGotDuringTheReplay() {
    ResumePoint resume = new ResumePoint();
    assertNull(resume.since(), "nothing to resume on the first connection");
    assertTrue(resume.accept(reading("a", 1000)));
    assertTrue(resume.accept(reading("b", 990)));
    assertTrue(resume.accept(reading("a", 1001)));
    resume.dropped(2000);

    assertEquals(990, resume.since(), "the oldest of the devices' newest readings");
    assertFalse(resume.accept(reading("a", 1001)), "replayed, already got");
    assertTrue(resume.accept(reading("b", 995)), "replayed, missed");
    assertTrue(resume.accept(reading("c", 1500)), "a device not seen before");
    assertTrue(resume.accept(new JsonObject().put("ack", "subscribe")));
    assertTrue(resume.accept(reading("a", 1002)), "after the ack, live messages pass as they come");
  }

  @Test
  void aDevicesResendOfAReadingGotBeforeTheDropIsSkippedForAMinuteAfterTheResume() {
    long[] now = {0};
    ResumePoint resume = new ResumePoint(() -> now[0]);
    assertTrue(resume.accept(reading("a", 1000)));
    assertTrue(resume.accept(reading("a", 1001)), "published by the hub, its ack lost with the connection");
    resume.dropped(2000);
    resume.since();
    assertTrue(resume.accept(new JsonObject().put("ack", "subscribe")), "nothing replayed: the device had not resent yet");

    now[0] += TimeUnit.SECONDS.toNanos(5);
    assertFalse(resume.accept(reading("a", 1001)), "the device sends it again after reconnecting: a repeat");
    assertTrue(resume.accept(reading("a", 1002)), "its next reading is new");
    now[0] += TimeUnit.SECONDS.toNanos(ResumePoint.REPEAT_WINDOW_SECONDS);
    assertTrue(resume.accept(reading("a", 1000)), "past the window, a reading passes whatever its ts");
  }

  @Test
  void withoutReadingsItResumesFromTheDropLessTheClockMargin() {
    ResumePoint resume = new ResumePoint();
    resume.dropped(10_000);
    assertEquals(10_000 - ResumePoint.CLOCK_MARGIN_SECONDS, resume.since());
  }
}
