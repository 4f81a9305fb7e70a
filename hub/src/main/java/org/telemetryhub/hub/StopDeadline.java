package org.telemetryhub.hub;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.DurationConverter;

/**
 * The one deadline of a hub's stop (--shutdown-timeout): every step waits only for what is left
 * of it, and a step that does not return in that time (a store write that never ends, a stuck
 * disk, an InfluxDB that does not answer) is left behind instead of holding the stop.
 */
final class StopDeadline {

  private static final Logger LOG = LoggerFactory.getLogger(StopDeadline.class);

  private final Duration timeout;
  private final long deadlineNanos;

  private StopDeadline(Duration timeout) {
    this.timeout = timeout;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
  }

  static StopDeadline after(Duration timeout) {
    return new StopDeadline(timeout);
  }

  /** What is left, never negative. */
  Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /** Waits for {@code future} within what is left; fails with a TimeoutException naming the step. */
  <T> T await(String step, Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(Math.max(1, remaining().toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException(step + ": not done within the shutdown timeout of " + DurationConverter.format(timeout));
    }
  }

  /**
   * Runs a blocking step on a thread of its own and waits for it within what is left; true when it
   * finished. A step that did not is logged and left running (a daemon thread: it holds no process open).
   */
  boolean run(String step, Runnable work) {
    CountDownLatch done = new CountDownLatch(1);
    Thread thread = new Thread(() -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        LOG.warn("stopping: {}: {}", step, e.toString());
      } finally {
        done.countDown();
      }
    }, "hub-stop");
    thread.setDaemon(true);
    thread.start();
    try {
      if (done.await(Math.max(1, remaining().toMillis()), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.warn("stopping: {} did not finish within the shutdown timeout of {}; left behind", step, DurationConverter.format(timeout));
    return false;
  }
}
