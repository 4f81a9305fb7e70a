package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Subscribers must see exactly what Float.toString writes: the fast path may not change a single message. */
class FloatTextTest {

  private static String text(float value) {
    return FloatText.append(new StringBuilder(), value).toString();
  }

  @Test
  void sensorValuesReadAsTheyWereWritten() {
    assertEquals("21.3", text(21.3f));
    assertEquals("20.0", text(20f));
    assertEquals("1013.25", text(1013.25f));
    assertEquals("-0.04", text(-0.04f));
    assertEquals("0.001", text(0.001f));
    assertEquals("-40.005", text(-40.005f));
    assertEquals("0.0", text(0f));
    assertEquals("-0.0", text(-0.0f));
    assertEquals("1.0E-4", text(1e-4f));
    assertEquals("1.23456E7", text(1.23456e7f));
    assertEquals("0.1234", text(0.1234f));
  }

  @Test
  void everyValueOfAtMostThreeDecimalsInTheSensorRangesMatchesFloatToString() {
    // Temperatures, humidities and pressures as devices send them: -100.000 to 1,200.000 in steps of 0.001.
    for (int thousandths = -100_000; thousandths <= 1_200_000; thousandths++) {
      float value = thousandths / 1000f;
      assertEquals(Float.toString(value), text(value), () -> "for " + Float.toString(value));
    }
  }

  @Test
  void randomFloatsMatchFloatToString() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 2_000_000; i++) {
      float value = Float.intBitsToFloat(random.nextInt());
      if (!Float.isFinite(value)) {
        continue;
      }
      assertEquals(Float.toString(value), text(value));
      float sensorLike = (float) (random.nextDouble(-2000, 2000));
      assertEquals(Float.toString(sensorLike), text(sensorLike));
      float fewDecimals = random.nextLong(-1_000_000_000L, 1_000_000_000L) / 1000f; // up to a million, the fast path's edge
      assertEquals(Float.toString(fewDecimals), text(fewDecimals));
    }
  }
}
