package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fairness figure device-sim reports: each device's acked readings per window against the mean. */
class ThroughputSpreadTest {

  @Test
  void aStarvedDeviceShowsAsTheWorstDeviationBelowTheMean() {
    long[] acked = new long[4];
    List<Integer> devices = List.of(0, 1, 2, 3);
    ThroughputSpread spread = new ThroughputSpread(4);
    spread.window(devices, i -> acked[i], false); // the baseline
    for (int i = 0; i < 4; i++) {
      acked[i] += 1000; // an even window
    }
    spread.window(devices, i -> acked[i], true);
    acked[0] += 1200;
    acked[1] += 1200;
    acked[2] += 1200;
    acked[3] += 400; // starved: mean 1000, 60 % below it
    spread.window(devices, i -> acked[i], true);

    JsonObject summary = spread.summary();
    assertEquals(2, summary.getInteger("windows"));
    assertEquals(60.0, summary.getDouble("worstDeviationPercent"));
    assertEquals(80L, summary.getLong("worstWindowLowestPerSecond"), "400 in 5 s");
    assertEquals(200L, summary.getLong("worstWindowMeanPerSecond"));
    assertEquals(" spread=60%", spread.progress());
  }

  @Test
  void windowsOfTheWarmUpAreLeftOut() {
    long[] acked = {0, 0};
    ThroughputSpread spread = new ThroughputSpread(2);
    acked[0] = 10;
    spread.window(List.of(0, 1), i -> acked[i], false);
    assertEquals(0, spread.summary().getInteger("windows"));
    assertEquals("", spread.progress());
  }
}
