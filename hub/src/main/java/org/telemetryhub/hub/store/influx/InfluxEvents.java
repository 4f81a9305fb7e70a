package org.telemetryhub.hub.store.influx;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.store.EventSink;
import org.telemetryhub.hub.store.StoreException;

/**
 * Device state transitions and alert events, written to InfluxDB for the dashboards, on worker
 * threads and off the ack path. Best effort: at most {@value #MAX_PENDING} wait; beyond that, or
 * when InfluxDB refuses, an event is dropped and counted (the readings themselves never are).
 */
public final class InfluxEvents implements EventSink {

  static final int MAX_PENDING = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(InfluxEvents.class);

  private final Vertx vertx;
  private final InfluxReadingStore store;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  public InfluxEvents(Vertx vertx, InfluxReadingStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  @Override
  public void status(DeviceStatus status) {
    submit(() -> store.write(status));
  }

  @Override
  public void alert(AlertEvent alert) {
    submit(() -> store.write(alert));
  }

  private interface Write {
    void run() throws StoreException;
  }

  private void submit(Write write) {
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      drop("too many events waiting for InfluxDB");
      return;
    }
    vertx.executeBlocking(() -> {
      write.run();
      return null;
    }, true).onComplete(result -> {
      pending.decrementAndGet();
      if (result.failed()) {
        drop(result.cause().getMessage());
      }
    });
  }

  private void drop(String why) {
    if (dropped.getAndIncrement() % 1000 == 0) {
      LOG.warn("status/alert event not written to InfluxDB ({} so far): {}", dropped.get(), why);
    }
  }
}
