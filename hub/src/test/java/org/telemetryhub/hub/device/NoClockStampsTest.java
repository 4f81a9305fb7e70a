package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoClockStampsTest {

  private static final long NOW = 1_800_000_000L;
  private final NoClockStamps stamps = new NoClockStamps(300);

  /** Verifies that readings arriving in the same second get distinct, consecutive seconds, starting at the arrival. */
  @Test
  void aBurstIsSpreadOverTheFollowingSeconds() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 15; i++) {
      assertEquals(NOW + i, stamps.stamp("d", NOW));
      assertTrue(seen.add(NOW + i));
    }
  }

  /** Verifies that a device sending once a second keeps the arrival second, and that devices do not share a sequence. */
  @Test
  void oneReadingASecondKeepsTheArrivalTime() {
    for (int i = 0; i < 5; i++) {
      assertEquals(NOW + i, stamps.stamp("a", NOW + i));
      assertEquals(NOW + i, stamps.stamp("b", NOW + i));
    }
  }

  /** Verifies that stamps go at most the allowance ahead, and resume once the clock catches up. */
  @Test
  void stampsGoNoFurtherAheadThanTheAllowance() {
    NoClockStamps tight = new NoClockStamps(2);
    assertEquals(NOW, tight.stamp("d", NOW));
    assertEquals(NOW + 1, tight.stamp("d", NOW));
    assertEquals(NOW + 2, tight.stamp("d", NOW));
    assertEquals(NoClockStamps.REFUSED, tight.stamp("d", NOW));
    assertEquals(NoClockStamps.REFUSED, tight.stamp("d", NOW));
    assertEquals(NOW + 3, tight.stamp("d", NOW + 1));
  }

  /** Verifies that after a restart the first stamp follows the newest stored reading, even one stamped ahead of the clock. */
  @Test
  void aSeedFromTheStoreKeepsStampsAfterAStoredBurst() {
    assertFalse(stamps.seeded("d"));
    stamps.seed("d", NOW + 40);
    assertTrue(stamps.seeded("d"));
    assertEquals(NOW + 41, stamps.stamp("d", NOW));
    stamps.seed("d", NOW); // an older seed changes nothing
    assertEquals(NOW + 42, stamps.stamp("d", NOW));
    stamps.seed("e", -1); // nothing stored
    assertEquals(NOW, stamps.stamp("e", NOW));
  }
}
