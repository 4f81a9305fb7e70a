package org.telemetryhub.hub.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.protocol.Reading;

class DeviceRegistryTest {

  private static final class MutableClock extends Clock {
    long millis = 1_000_000;
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return Instant.ofEpochMilli(millis); }
  }

  private record FakeSession(String connectionId, long connectedAtMillis) implements Session {
    @Override public String remoteAddress() { return "127.0.0.1:1"; }
    @Override public void closeReplaced(Session newer) { }
    @Override public void closeRevoked() { }
  }

  private final MutableClock clock = new MutableClock();
  private final List<DeviceStatus> published = new ArrayList<>();
  private final DeviceRegistry registry = new DeviceRegistry(clock, Duration.ofSeconds(60), published::add, "hub-1");

  private List<String> states() {
    return published.stream().map(s -> s.state().wireName() + ":" + s.reason()).toList();
  }

  @Test
  void connectReadGoSilentComeBackDisconnect() {
    Session session = new FakeSession("c1", clock.millis);
    assertNull(registry.connected("dev-1", session));
    registry.packetsArrived("dev-1", session, new Reading("dev-1", 1, 20, 50, 1000));
    clock.millis += 59_999;
    registry.checkSilence("dev-1", session);
    clock.millis += 1;
    registry.checkSilence("dev-1", session);
    registry.checkSilence("dev-1", session);
    registry.packetsArrived("dev-1", session, null);
    registry.packetsArrived("dev-1", session, null);
    registry.disconnected("dev-1", session, "heartbeat timeout");

    assertEquals(List.of("online:connected", "silent:no readings for 60s", "online:reading", "offline:heartbeat timeout"),
        states(), "one message per transition, none for repeats");
    assertEquals(1, registry.count(DeviceState.OFFLINE));
    assertEquals(0, registry.count(DeviceState.ONLINE));
  }

  @Test
  void takeoverReturnsTheOldSessionAndPublishesNothing() {
    Session first = new FakeSession("c1", clock.millis);
    Session second = new FakeSession("c2", clock.millis);
    registry.connected("dev-1", first);
    assertSame(first, registry.connected("dev-1", second));
    registry.disconnected("dev-1", first, "replaced");
    registry.packetsArrived("dev-1", first, new Reading("dev-1", 9, 1, 1, 1));

    assertEquals(List.of("online:connected"), states());
    DeviceView view = registry.find("dev-1").orElseThrow();
    assertEquals(DeviceState.ONLINE, view.state());
    assertEquals("c2", view.connection().id());
    assertNull(view.lastReading(), "the replaced session no longer reports for the device");
  }

  @Test
  void silenceCountsFromTheConnectionWhenNoReadingCameYet() {
    Session session = new FakeSession("c1", clock.millis);
    registry.connected("dev-1", session);
    clock.millis += 60_000;
    registry.checkSilence("dev-1", session);
    assertEquals(DeviceState.SILENT, registry.find("dev-1").orElseThrow().state());
    assertEquals(1, registry.count(DeviceState.SILENT));
  }

  @Test
  void listIsOrderedById() {
    registry.connected("b", new FakeSession("c1", 0));
    registry.connected("a", new FakeSession("c2", 0));
    assertEquals(List.of("a", "b"), registry.all().stream().map(DeviceView::device).toList());
  }

  @Test
  void aDeviceIsSilentAfterMissingThreeOfItsOwnIntervalsWithinTheBounds() {
    List<DeviceStatus> events = new ArrayList<>();
    DeviceRegistry learning = learning(events);
    Session fast = new FakeSession("c-fast", clock.millis);
    Session slow = new FakeSession("c-slow", clock.millis);
    Session fresh = new FakeSession("c-fresh", clock.millis);
    learning.connected("every-second", fast);
    learning.connected("every-5-minutes", slow);
    learning.connected("just-connected", fresh);
    for (int i = 0; i < 4; i++) {
      learning.packetsArrived("every-second", fast, null);
      clock.millis += 1_000;
    }
    clock.millis -= 1_000;
    long fastLast = clock.millis;
    learning.packetsArrived("just-connected", fresh, null);
    for (int i = 0; i < 4; i++) {
      learning.packetsArrived("every-5-minutes", slow, null);
      if (i < 3) {
        clock.millis += 300_000;
      }
    }
    long slowLast = clock.millis;
    // The fast device went quiet long ago: silent by its own interval, 3 x 1 s, not the fleet-wide minute.
    learning.sweepSilence();
    assertEquals("silent:no readings for 3s (its interval: 1s)", status(events, "every-second"));

    clock.millis = slowLast + 60_000;
    learning.sweepSilence();
    assertEquals("online:connected", status(events, "every-5-minutes"), "not silent after a minute");
    clock.millis = slowLast + 899_999;
    learning.sweepSilence();
    assertEquals("online:connected", status(events, "every-5-minutes"));
    clock.millis = slowLast + 900_000;
    learning.sweepSilence();
    assertEquals("silent:no readings for 15m (its interval: 5m)", status(events, "every-5-minutes"));
    assertEquals("silent:no readings for 60s", status(events, "just-connected"), "not learned yet: the fleet-wide period");
    assertEquals(true, fastLast < slowLast);
  }

  @Test
  void theLearnedPeriodIsBoundedByTheSettings() {
    List<DeviceStatus> events = new ArrayList<>();
    DeviceRegistry learning = learning(events);
    Session bursty = new FakeSession("c-burst", clock.millis);
    Session rare = new FakeSession("c-rare", clock.millis);
    learning.connected("bursty", bursty);
    learning.connected("rare", rare);
    for (int i = 0; i < 5; i++) {
      learning.packetsArrived("bursty", bursty, null);
      learning.packetsArrived("rare", rare, null);
      clock.millis += 10; // bursty: every 10 ms
      if (i < 4) {
        clock.millis += 2 * 3_600_000 - 10; // rare: every 2 h (and bursty's last gap is long: the average still says short)
      }
    }
    long last = clock.millis - 10; // both sent last 10 ms ago
    clock.millis = last + 3_599_999;
    learning.sweepSilence();
    assertEquals("online:connected", status(events, "rare"));
    clock.millis = last + 3_600_000;
    learning.sweepSilence();
    assertEquals("silent:no readings for 1h (its interval: 2h)", status(events, "rare"), "at most --silent-after-max");
  }

  /** A registry that learns cadences: silent after 3 intervals, within 3 s and 1 h; 60 s until learned. */
  private DeviceRegistry learning(List<DeviceStatus> events) {
    return new DeviceRegistry(clock, new SilencePolicy(Duration.ofSeconds(60), 3, Duration.ofSeconds(3), Duration.ofHours(1)),
        events::add, "hub-1");
  }

  private static String status(List<DeviceStatus> events, String device) {
    DeviceStatus latest = null;
    for (DeviceStatus event : events) {
      if (event.device().equals(device)) {
        latest = event;
      }
    }
    return latest == null ? null : latest.state().wireName() + ":" + latest.reason();
  }

  @Test
  void aDeviceWaitingForItsAcksIsNotSilent() {
    List<DeviceStatus> events = new ArrayList<>();
    DeviceRegistry learning = learning(events);
    boolean[] owed = {true};
    Session behindTheStore = new Session() {
      @Override public String connectionId() { return "c-owed"; }
      @Override public String remoteAddress() { return "127.0.0.1:2"; }
      @Override public long connectedAtMillis() { return 1_000_000; }
      @Override public void closeReplaced(Session newer) { }
      @Override public void closeRevoked() { }
      @Override public boolean awaitingAcks() { return owed[0]; }
    };
    learning.connected("owed", behindTheStore);
    for (int i = 0; i < 5; i++) {
      learning.packetsArrived("owed", behindTheStore, null);
      clock.millis += 100;
    }
    clock.millis += 10_000; // quiet for 100 intervals, but the hub has not acked it
    learning.sweepSilence();
    assertEquals("online:connected", status(events, "owed"));
    owed[0] = false;
    learning.sweepSilence();
    assertEquals("silent:no readings for 3s (its interval: 100ms)", status(events, "owed"));
  }
}
