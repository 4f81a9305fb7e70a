package org.telemetryhub.hub.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.telemetryhub.hub.metrics.InfluxMetricsPush;
import org.telemetryhub.hub.store.influx.InfluxEvents;
import org.telemetryhub.hub.store.influx.InfluxReadingStore;
import org.telemetryhub.hub.store.sqlite.ShardedSqliteStore;

/**
 * A storage backend as the hub uses it: the store of readings, where state changes and alerts go
 * beside them, and where the hub's own meters are pushed (null: only the Prometheus endpoint).
 * {@link #open} is the one place that chooses between the backends.
 */
public record StoreBackend(ReadingStore store, EventSink events, MeterRegistry pushedMeters) {

  /** Which backend, with what it needs. */
  public record Choice(boolean influx, Path dataDir, int shards, String influxUrl, String influxDatabase, String influxUser,
                       String influxPassword, int influxWritesInFlight, Duration retention, Duration influxMetricsStep) {
  }

  /** Opens the chosen backend. Blocks (it may open files); call it off the event loops. */
  public static StoreBackend open(Vertx vertx, Choice choice) throws StoreException {
    if (!choice.influx()) {
      return new StoreBackend(ShardedSqliteStore.open(choice.dataDir(), choice.shards()), EventSink.NONE, null);
    }
    InfluxReadingStore influx = InfluxReadingStore.connect(choice.influxUrl(), choice.influxDatabase(), choice.influxUser(),
        choice.influxPassword(), choice.retention(), choice.influxWritesInFlight());
    return new StoreBackend(influx, new InfluxEvents(vertx, influx), InfluxMetricsPush.registry(choice.influxUrl(),
        choice.influxDatabase(), choice.influxUser(), choice.influxPassword(), choice.influxMetricsStep()));
  }
}
