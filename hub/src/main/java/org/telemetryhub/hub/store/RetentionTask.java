package org.telemetryhub.hub.store;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes readings older than the retention period, at start and then periodically, on a worker thread. */
public final class RetentionTask {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);

  private final Vertx vertx;
  private final ReadingStore store;
  private final Duration retention;
  private final Clock clock;
  private long timerId = -1;

  public RetentionTask(Vertx vertx, ReadingStore store, Duration retention, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  public void start(Duration every) {
    runOnce();
    timerId = vertx.setPeriodic(every.toMillis(), id -> runOnce());
  }

  public void stop() {
    vertx.cancelTimer(timerId);
  }

  private void runOnce() {
    long cutoff = clock.instant().minus(retention).getEpochSecond();
    vertx.executeBlocking(() -> store.deleteOlderThan(cutoff), false)
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.info("retention: deleted {} readings older than {} days", deleted, retention.toDays());
          }
        })
        .onFailure(e -> LOG.warn("retention: {}", e.getMessage()));
  }
}
