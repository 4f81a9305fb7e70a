package org.telemetryhub.hub.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.protocol.Reading;

class AlertEngineTest {

  private final List<AlertEvent> events = new ArrayList<>();

  private AlertEngine engine(String... rules) {
    return new AlertEngine(List.of(rules).stream().map(AlertRule::parse).toList(), events::add);
  }

  private static Reading temperature(String device, long ts, float value) {
    return new Reading(device, ts, value, 50, 1000);
  }

  @Test
  void firesAfterTheDurationAndResolvesWithHysteresis() {
    AlertEngine engine = engine("overheat: temperature > 30 for 10s resolve < 29 devices hot-*");
    engine.onReading(temperature("hot-1", 100, 31));
    engine.onReading(temperature("hot-1", 105, 32));
    assertEquals(List.of(), events, "not yet 10 s above");
    engine.onReading(temperature("hot-1", 110, 31.5f));
    assertEquals(List.of(new AlertEvent("hot-1", "overheat", "firing", 31.5f, 110)), events);
    engine.onReading(temperature("hot-1", 111, 29.5f));
    engine.onReading(temperature("hot-1", 112, 35f));
    assertEquals(1, events.size(), "between 29 and 30 it keeps firing; firing again is no news");
    assertEquals(1, engine.firing().size());
    engine.onReading(temperature("hot-1", 113, 28.9f));
    assertEquals(new AlertEvent("hot-1", "overheat", "resolved", 28.9f, 113), events.get(1));
    assertEquals(List.of(), engine.firing());
  }

  @Test
  void aDipBelowTheThresholdRestartsTheDuration() {
    AlertEngine engine = engine("overheat: temperature > 30 for 10s");
    engine.onReading(temperature("d", 100, 31));
    engine.onReading(temperature("d", 105, 30));
    engine.onReading(temperature("d", 106, 31));
    engine.onReading(temperature("d", 115, 31));
    assertEquals(List.of(), events);
    engine.onReading(temperature("d", 116, 31));
    assertEquals(1, events.size());
  }

  @Test
  void devicesOutsideThePatternNeverAlert() {
    AlertEngine engine = engine("overheat: temperature > 30 devices hot-*", "dry: humidity < 20");
    engine.onReading(new Reading("cold-1", 1, 40, 50, 1000));
    assertEquals(List.of(), events);
    engine.onReading(new Reading("cold-1", 1, 40, 10, 1000));
    assertEquals(List.of(new AlertEvent("cold-1", "dry", "firing", 10, 1)), events, "no 'for': fires at once");
  }

  @Test
  void badRulesSayHowARuleIsWritten() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("too hot"));
    assertTrue(e.getMessage().contains("name: temperature > 30"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AlertRule.parse("x: wind > 3"));
  }
}
