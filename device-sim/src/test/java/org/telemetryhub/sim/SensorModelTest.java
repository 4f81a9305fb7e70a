package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SensorModelTest {

  private static final long MIDNIGHT = 1_764_374_400L; // 2025-11-29T00:00:00Z

  @Test
  void theSameSeedGivesTheSameReadings() {
    SensorModel a = new SensorModel(7, 3, Faults.NONE);
    SensorModel b = new SensorModel(7, 3, Faults.NONE);
    for (long ts = MIDNIGHT; ts < MIDNIGHT + 100; ts++) {
      assertEquals(a.next(ts), b.next(ts));
    }
    assertNotEquals(new SensorModel(7, 4, Faults.NONE).next(MIDNIGHT), new SensorModel(7, 3, Faults.NONE).next(MIDNIGHT),
        "devices differ");
  }

  @Test
  void valuesArePlausibleAndFollowTheDay() {
    SensorModel model = new SensorModel(1, 1, Faults.NONE);
    double afternoon = 0;
    double night = 0;
    for (int i = 0; i < 60; i++) {
      SensorModel.Values day = model.next(MIDNIGHT + 15 * 3600 + i);
      SensorModel.Values dark = model.next(MIDNIGHT + 3 * 3600 + i);
      for (SensorModel.Values v : new SensorModel.Values[] {day, dark}) {
        assertTrue(v.temperature() > 5 && v.temperature() < 35, "temperature " + v);
        assertTrue(v.humidity() >= 1 && v.humidity() <= 99, "humidity " + v);
        assertTrue(v.pressure() > 980 && v.pressure() < 1045, "pressure " + v);
      }
      afternoon += day.temperature();
      night += dark.temperature();
    }
    assertTrue(afternoon / 60 > night / 60 + 5, "warmer at 15:00 than at 03:00");
  }

  @Test
  void faultsProduceWhatTheHubMustReject() {
    SensorModel model = new SensorModel(1, 1, new Faults(0, 0, 0.5, 0.5));
    int nan = 0;
    int outOfRange = 0;
    for (int i = 0; i < 1000; i++) {
      SensorModel.Values v = model.next(MIDNIGHT + i);
      nan += Float.isNaN(v.temperature()) ? 1 : 0;
      outOfRange += v.humidity() > 100 ? 1 : 0;
    }
    assertTrue(nan > 400 && nan < 600, "NaN " + nan);
    assertTrue(outOfRange > 400 && outOfRange < 600, "out of range " + outOfRange);
  }
}
