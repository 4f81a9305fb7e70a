package org.telemetryhub.hub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ReadingValidatorTest {

  private static final long NOW = 1_800_000_000L;
  private final ReadingValidator validator = new ReadingValidator(ValidRanges.DEFAULT);

  private RejectReason check(float t, long ts, float h, float p) {
    return validator.check(new Reading("d", ts, t, h, p), NOW);
  }

  @Test
  void plausibleReadingsAndTheRangeEdgesPass() {
    assertNull(check(21.5f, NOW, 40f, 1013f));
    assertNull(check(-100f, NOW, 0f, 300f));
    assertNull(check(200f, NOW, 100f, 1100f));
    assertNull(check(-0.0f, NOW, 50f, 1000f));
    assertNull(check(20f, NOW + 300, 50f, 1000f), "exactly 5 minutes ahead is still allowed");
    assertNull(check(20f, NOW - 30 * 86_400, 50f, 1000f), "exactly the retention period old is still kept");
  }

  @Test
  void nanAndInfinitiesAreNotFinite() {
    assertEquals(RejectReason.NOT_FINITE, check(Float.NaN, NOW, 40f, 1013f));
    assertEquals(RejectReason.NOT_FINITE, check(20f, NOW, Float.POSITIVE_INFINITY, 1013f));
    assertEquals(RejectReason.NOT_FINITE, check(20f, NOW, 40f, Float.NEGATIVE_INFINITY));
  }

  @Test
  void valuesOutsideTheirRangeAreOutOfRange() {
    assertEquals(RejectReason.OUT_OF_RANGE, check(-100.01f, NOW, 40f, 1013f));
    assertEquals(RejectReason.OUT_OF_RANGE, check(200.01f, NOW, 40f, 1013f));
    assertEquals(RejectReason.OUT_OF_RANGE, check(20f, NOW, -0.1f, 1013f));
    assertEquals(RejectReason.OUT_OF_RANGE, check(20f, NOW, 100.1f, 1013f));
    assertEquals(RejectReason.OUT_OF_RANGE, check(20f, NOW, 40f, 299.9f));
    assertEquals(RejectReason.OUT_OF_RANGE, check(20f, NOW, 40f, 1100.1f));
  }

  @Test
  void timestampsMoreThanFiveMinutesAheadAreRejected() {
    assertEquals(RejectReason.FUTURE_TIMESTAMP, check(20f, NOW + 301, 40f, 1013f));
    assertEquals(RejectReason.FUTURE_TIMESTAMP, check(20f, 4_294_967_295L, 40f, 1013f));
  }

  /** Verifies that a reading older than the retention period is refused rather than stored and deleted at the next sweep. */
  @Test
  void readingsOlderThanTheRetentionPeriodAreTooOld() {
    assertEquals(RejectReason.TOO_OLD, check(20f, NOW - 30 * 86_400 - 1, 40f, 1013f));
    assertEquals(RejectReason.TOO_OLD, check(20f, 1, 40f, 1013f));
  }
}
