package org.telemetryhub.hub.backend;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.telemetryhub.hub.metrics.InfluxMetricsPush;
import org.telemetryhub.hub.store.EventSink;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.store.influx.InfluxEvents;
import org.telemetryhub.hub.store.influx.InfluxReadingStore;
import org.telemetryhub.hub.store.influx.InfluxSettings;
import org.telemetryhub.hub.store.kafka.KafkaReadingStore;
import org.telemetryhub.hub.store.kafka.KafkaSettings;
import org.telemetryhub.hub.store.rocksdb.RocksReadingStore;
import org.telemetryhub.hub.store.rocksdb.SqliteImport;
import org.telemetryhub.hub.store.sqlite.ShardedSqliteStore;

/**
 * A storage backend as the hub uses it: the store of readings, where state changes and alerts go
 * beside them, and where the hub's own meters are pushed (null: only the Prometheus endpoint).
 * {@link #open} is the one place that chooses between the backends.
 */
public record StoreBackend(ReadingStore store, EventSink events, MeterRegistry pushedMeters) {

  /**
   * The backends: the embedded ones in the data directory, InfluxDB over HTTP, and Kafka (readings
   * to a topic that sinks write into InfluxDB; history read from that InfluxDB).
   */
  public enum Kind { SQLITE, ROCKSDB, INFLUX, KAFKA }

  /** Which backend, with what it needs; {@code node} tags the pushed meters and the Kafka records. */
  public record Choice(Kind kind, Path dataDir, int shards, InfluxSettings influxSettings, KafkaSettings kafkaSettings,
                       Duration retention, String node) {
  }

  /** The RocksDB store, with the readings of a SQLite store in the same directory copied into it first. */
  private static RocksReadingStore openRocks(Choice choice) throws StoreException {
    RocksReadingStore store = RocksReadingStore.open(choice.dataDir(), choice.shards());
    try {
      SqliteImport.run(choice.dataDir(), store);
      return store;
    } catch (StoreException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Opens the chosen backend. Blocks (it may open files); call it off the event loops. */
  public static StoreBackend open(Vertx vertx, Choice choice) throws StoreException {
    switch (choice.kind()) {
      case SQLITE:
        if (RocksReadingStore.existsIn(choice.dataDir())) {
          throw new StoreException("the data directory " + choice.dataDir() + " holds a RocksDB store ("
              + RocksReadingStore.DIRECTORY + "), which --store sqlite would not read: start with --store rocksdb, or give "
              + "another --data-dir", null);
        }
        return new StoreBackend(ShardedSqliteStore.open(choice.dataDir(), choice.shards()), EventSink.NONE, null);
      case ROCKSDB:
        return new StoreBackend(openRocks(choice), EventSink.NONE, null);
      default:
        break;
    }
    InfluxSettings settings = choice.influxSettings();
    InfluxReadingStore influx = InfluxReadingStore.connect(settings, choice.retention());
    MeterRegistry pushed = InfluxMetricsPush.registry(settings.url(), settings.database(), settings.retentionPolicy(),
        settings.user(), settings.password(), settings.metricsStep(), choice.node());
    if (choice.kind() == Kind.KAFKA) {
      KafkaReadingStore kafka = KafkaReadingStore.connect(choice.kafkaSettings(), influx, choice.node());
      return new StoreBackend(kafka, kafka.events(), pushed);
    }
    return new StoreBackend(influx, new InfluxEvents(vertx, influx), pushed);
  }
}
