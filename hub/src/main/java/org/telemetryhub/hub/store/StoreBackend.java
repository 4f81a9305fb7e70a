package org.telemetryhub.hub.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.telemetryhub.hub.metrics.InfluxMetricsPush;
import org.telemetryhub.hub.store.influx.InfluxEvents;
import org.telemetryhub.hub.store.influx.InfluxReadingStore;
import org.telemetryhub.hub.store.sqlite.SqliteReadingStore;

/**
 * A storage backend as the hub uses it: the store of readings, where state changes and alerts go
 * beside them, and where the hub's own meters are pushed (null: only the Prometheus endpoint).
 * {@link #open} is the one place that chooses between the backends.
 */
public record StoreBackend(ReadingStore store, EventSink events, MeterRegistry pushedMeters) {

  /** Which backend, with what it needs. */
  public record Choice(boolean influx, Path dataDir, String influxUrl, String influxDatabase, String influxUser,
                       String influxPassword, Duration retention, Duration influxMetricsStep) {
  }

  /** Opens the chosen backend. Blocks (it may open files); call it off the event loops. */
  public static StoreBackend open(Vertx vertx, Choice choice) throws StoreException {
    if (!choice.influx()) {
      return new StoreBackend(SqliteReadingStore.open(choice.dataDir()), EventSink.NONE, null);
    }
    InfluxReadingStore influx = InfluxReadingStore.connect(choice.influxUrl(), choice.influxDatabase(), choice.influxUser(),
        choice.influxPassword(), choice.retention());
    return new StoreBackend(influx, new InfluxEvents(vertx, influx), InfluxMetricsPush.registry(choice.influxUrl(),
        choice.influxDatabase(), choice.influxUser(), choice.influxPassword(), choice.influxMetricsStep()));
  }
}
