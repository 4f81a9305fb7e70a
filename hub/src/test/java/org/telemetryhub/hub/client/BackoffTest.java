package org.telemetryhub.hub.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Backoff backoff(long seed) {
    return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(seed));
  }

  @Test
  void baseDelaysDoubleFromOneSecondUpToTheCap() {
    Backoff backoff = backoff(1);
    List<Long> bases = new ArrayList<>();
    for (int failures = 0; failures < 8; failures++) {
      bases.add(backoff.baseDelayMillis(failures));
    }
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L), bases);
  }

  @Test
  void eachDelayIsItsBasePlusAtMostHalfOfItAsJitter() {
    Backoff backoff = backoff(2);
    for (int attempt = 0; attempt < 12; attempt++) {
      long base = backoff.baseDelayMillis(attempt);
      long delay = backoff.nextDelayMillis();
      assertTrue(delay >= base && delay <= base * 3 / 2, "attempt " + attempt + ": " + delay + " for base " + base);
    }
    assertTrue(backoff.nextDelayMillis() <= 45_000, "capped: 30 s plus at most 15 s of jitter");
  }

  @Test
  void firstRetriesOfAFleetSpreadOut() {
    int devices = 1000;
    long[] firstDelays = new long[devices];
    for (int i = 0; i < devices; i++) {
      firstDelays[i] = backoff(42 + i).nextDelayMillis();
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    double sum = 0;
    int[] perTenth = new int[5]; // 1000-1100 ms, 1100-1200 ms, ... 1400-1500 ms
    for (long delay : firstDelays) {
      min = Math.min(min, delay);
      max = Math.max(max, delay);
      sum += delay;
      perTenth[(int) Math.min(4, (delay - 1000) / 100)]++;
    }
    assertTrue(min >= 1000 && max <= 1500, min + ".." + max);
    assertTrue(max - min > 400, "the first retries span most of the half second of jitter: " + (max - min));
    assertEquals(1250, sum / devices, 25, "jitter is uniform: the mean is in the middle");
    for (int count : perTenth) {
      assertTrue(count > 120 && count < 280, "no lockstep: every 100 ms slice gets about a fifth: " + List.of(perTenth));
    }
  }

  @Test
  void resetStartsOverFromOneSecond() {
    Backoff backoff = backoff(3);
    for (int i = 0; i < 6; i++) {
      backoff.nextDelayMillis();
    }
    assertTrue(backoff.nextDelayMillis() >= 30_000);
    backoff.reset();
    assertEquals(0, backoff.failures());
    long delay = backoff.nextDelayMillis();
    assertTrue(delay >= 1_000 && delay <= 1_500, String.valueOf(delay));
  }
}
