package org.telemetryhub.hub.backend;

import java.time.Duration;
import org.telemetryhub.hub.store.influx.InfluxSettings;
import org.telemetryhub.hub.store.kafka.KafkaSettings;

/**
 * Where readings are kept and for how long.
 *
 * @param kind                   the store: the embedded RocksDB (or SQLite) in the data directory, or InfluxDB
 * @param shards                 the embedded store's shards; 0: one per core
 * @param influx                 the InfluxDB server, with {@code kind} INFLUX (and KAFKA: where the sinks write)
 * @param kafka                  the brokers and topics, with {@code kind} KAFKA
 * @param retentionDays          readings older than this many days are deleted (and refused when they arrive)
 * @param retentionCheckInterval how often old readings are looked for
 */
public record StoreOptions(StoreBackend.Kind kind, int shards, InfluxSettings influx, KafkaSettings kafka, int retentionDays,
                           Duration retentionCheckInterval) {

  public static final StoreBackend.Kind DEFAULT_KIND = StoreBackend.Kind.ROCKSDB;
  public static final int DEFAULT_SHARDS = 0;
  public static final int DEFAULT_RETENTION_DAYS = 30;
  public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);
  public static final StoreOptions DEFAULTS = new StoreOptions(DEFAULT_KIND, DEFAULT_SHARDS, InfluxSettings.DEFAULTS,
      KafkaSettings.DEFAULTS, DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_CHECK_INTERVAL);

  /** The shards, with 0 resolved to the number of cores. */
  public int shardCount() {
    return shards > 0 ? shards : Runtime.getRuntime().availableProcessors();
  }

  public Duration retention() {
    return Duration.ofDays(retentionDays);
  }

  /** InfluxDB at {@code url}, with the other InfluxDB options as they are. */
  public StoreOptions withInflux(String url) {
    return new StoreOptions(StoreBackend.Kind.INFLUX, shards, influx.withUrl(url), kafka, retentionDays, retentionCheckInterval);
  }

  /** Kafka at {@code bootstrap}, the sinks writing into InfluxDB at {@code influxUrl} (where history is read). */
  public StoreOptions withKafka(String bootstrap, String influxUrl) {
    return new StoreOptions(StoreBackend.Kind.KAFKA, shards, influx.withUrl(influxUrl), kafka.withBootstrap(bootstrap), retentionDays,
        retentionCheckInterval);
  }

  public StoreOptions withInfluxSettings(InfluxSettings settings) {
    return new StoreOptions(kind, shards, settings, kafka, retentionDays, retentionCheckInterval);
  }

  public StoreOptions withKind(StoreBackend.Kind storeKind) {
    return new StoreOptions(storeKind, shards, influx, kafka, retentionDays, retentionCheckInterval);
  }

  public StoreOptions withRetention(int days, Duration checkInterval) {
    return new StoreOptions(kind, shards, influx, kafka, days, checkInterval);
  }
}
