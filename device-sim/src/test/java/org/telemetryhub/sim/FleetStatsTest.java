package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the simulator reports about latency, and which readings it samples. */
class FleetStatsTest {

  @Test
  void readingsSentBeforeTheWarmUpEndsAreLeftOutOfTheLatencies() {
    FleetStats stats = new FleetStats();
    stats.measureAfter(Duration.ofHours(1));
    long now = System.nanoTime();
    long hour = Duration.ofHours(1).toNanos();
    stats.ackLatency(now, now + 500_000_000L); // sent during the warm-up: left out
    stats.ackLatency(now + hour, now + hour + 10_000_000L);
    JsonObject latency = stats.summary(1, Duration.ofSeconds(1)).getJsonObject("ackLatencyMs");
    assertEquals(1L, latency.getLong("samples"));
    assertTrue(latency.getDouble("p99") < 20, "only the 10 ms ack counts: " + latency);
  }

  /** With whole-second timestamps, sampling by time alone would pick every device at once, or none. */
  @Test
  void subscriberSamplesAreSpreadOverDevicesAndOverTime() {
    FleetStats stats = new FleetStats();
    stats.startSampling();
    long now = System.nanoTime();
    for (int device = 0; device < 6400; device++) {
      stats.sampleSend("dev-" + device, 1_700_000_000L, now);
    }
    int inOneSecond = stats.sampledSendsWaiting();
    assertTrue(inOneSecond > 50 && inOneSecond < 150, "about 1 in 64 devices in one second: " + inOneSecond);
    FleetStats oneDevice = new FleetStats();
    oneDevice.startSampling();
    now = System.nanoTime();
    for (long ts = 1_700_000_000L; ts < 1_700_000_000L + 6400; ts++) {
      oneDevice.sampleSend("dev-7", ts, now);
    }
    int ofOneDevice = oneDevice.sampledSendsWaiting();
    assertTrue(ofOneDevice > 50 && ofOneDevice < 150, "one device: about 1 in 64 of its seconds: " + ofOneDevice);
  }

  /** A short run of a small fleet with neighbouring ids (dev-0001 ...) still gets its share of samples, every time. */
  @Test
  void aSmallFleetWithNeighbouringIdsGetsItsShareInAnyFifteenSeconds() {
    for (long start = 1_700_000_000L; start < 1_700_000_000L + 64; start++) {
      FleetStats stats = new FleetStats();
      stats.startSampling();
      long now = System.nanoTime();
      for (long ts = start; ts < start + 15; ts++) {
        for (int device = 1; device <= 200; device++) {
          stats.sampleSend(String.format("dev-%04d", device), ts, now);
        }
      }
      int sampled = stats.sampledSendsWaiting();
      assertTrue(sampled >= 20 && sampled <= 80, "3,000 readings from " + start + ": about 47 sampled, not " + sampled);
    }
  }
}
