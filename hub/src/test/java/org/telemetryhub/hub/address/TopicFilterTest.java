package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.address.TopicFilter;

class TopicFilterTest {

  private static boolean matches(String filter, String kind, String device) {
    return TopicFilter.parse(filter).matches(kind, device);
  }

  @Test
  void wildcardsMatchAsInMqtt() {
    assertTrue(matches("readings/dev-1", "readings", "dev-1"));
    assertFalse(matches("readings/dev-1", "readings", "dev-2"));
    assertFalse(matches("readings/dev-1", "status", "dev-1"));
    assertTrue(matches("readings/+", "readings", "anything"));
    assertFalse(matches("readings/+", "alerts", "anything"));
    assertTrue(matches("+/dev-1", "status", "dev-1"));
    assertFalse(matches("+/dev-1", "status", "dev-2"));
    assertTrue(matches("readings/#", "readings", "x"));
    assertTrue(matches("+/#", "alerts", "x"));
    assertTrue(matches("#", "status", "x"));
  }

  @Test
  void malformedFiltersAreRefusedWithTheReason() {
    for (String bad : List.of("", "readings", "readings/#/x", "readings/de+v", "readings/d#", "#/dev-1",
        "weather/dev-1", "readings/a/b", "readings/bad id", "readings/")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad.isEmpty() ? "empty" : "'" + bad + "'"), e.getMessage());
    }
    assertEquals("malformed channel filter 'readings/#/x': '#' must be a whole level and the last one",
        assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse("readings/#/x")).getMessage());
  }

  @Test
  void coverageDecidesPermissions() {
    assertTrue(covered("readings/dev-1", "readings/+"));
    assertTrue(covered("readings/+", "readings/+"));
    assertTrue(covered("readings/+", "readings/#"));
    assertTrue(covered("readings/#", "readings/#"));
    assertTrue(covered("status/dev-1", "#"));
    assertTrue(covered("#", "#"));
    assertTrue(covered("status/x", "+/x"));
    assertFalse(covered("readings/#", "readings/+"), "# reaches no further here, but may one day: not covered");
    assertFalse(covered("status/dev-1", "readings/+"));
    assertFalse(covered("readings/+", "readings/dev-1"));
    assertFalse(covered("#", "readings/#"));
    assertFalse(covered("+/dev-1", "readings/+"));
  }

  private static boolean covered(String wanted, String granted) {
    return TopicFilter.parse(wanted).isCoveredBy(TopicFilter.parse(granted));
  }
}
