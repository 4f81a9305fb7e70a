package org.telemetryhub.hub.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnection delays: exponential from {@code initial}, doubling per failed attempt, capped at
 * {@code max}, plus a random jitter of up to half the capped delay so that a fleet that lost the
 * hub together does not come back in lockstep. {@link #reset()} after a successful connection.
 */
public final class Backoff {

  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private int failures;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The delay before the next attempt; each call counts one more failed attempt. */
  public long nextDelayMillis() {
    long base = baseDelayMillis(failures);
    failures++;
    return base + (long) (random.nextDouble() * (base / 2.0));
  }

  /** The delay without jitter after {@code failedAttempts} failures: initial x 2^n, capped. */
  public long baseDelayMillis(int failedAttempts) {
    long delay = initialMillis;
    for (int i = 0; i < failedAttempts && delay < maxMillis; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxMillis);
  }

  public void reset() {
    failures = 0;
  }

  public int failures() {
    return failures;
  }
}
