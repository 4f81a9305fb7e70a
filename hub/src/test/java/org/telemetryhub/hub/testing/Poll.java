package org.telemetryhub.hub.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it every 20 ms until a deadline: how a test waits for something
 * to happen, instead of sleeping for a time it guesses.
 */
public final class Poll {

  private Poll() {
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      pause();
    }
  }

  /** Polls until {@code value} equals {@code expected}; on timeout the message shows the last value seen. */
  public static <T> void untilEquals(String what, Duration timeout, T expected, Supplier<T> value) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = value.get();
    while (!expected.equals(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + " = " + expected
            + "; last seen: " + last);
      }
      pause();
      last = value.get();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
