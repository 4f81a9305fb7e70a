package org.telemetryhub.hub.backend;

import java.time.Duration;
import org.telemetryhub.hub.store.influx.InfluxSettings;

/**
 * Where readings are kept and for how long.
 *
 * @param kind                   the store: the embedded RocksDB (or SQLite) in the data directory, or InfluxDB
 * @param shards                 the embedded store's shards; 0: one per core
 * @param influx                 the InfluxDB server, with {@code kind} INFLUX
 * @param retentionDays          readings older than this many days are deleted (and refused when they arrive)
 * @param retentionCheckInterval how often old readings are looked for
 */
public record StoreOptions(StoreBackend.Kind kind, int shards, InfluxSettings influx, int retentionDays,
                           Duration retentionCheckInterval) {

  public static final StoreBackend.Kind DEFAULT_KIND = StoreBackend.Kind.ROCKSDB;
  public static final int DEFAULT_SHARDS = 0;
  public static final int DEFAULT_RETENTION_DAYS = 30;
  public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);
  public static final StoreOptions DEFAULTS = new StoreOptions(DEFAULT_KIND, DEFAULT_SHARDS, InfluxSettings.DEFAULTS,
      DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_CHECK_INTERVAL);

  /** The shards, with 0 resolved to the number of cores. */
  public int shardCount() {
    return shards > 0 ? shards : Runtime.getRuntime().availableProcessors();
  }

  public Duration retention() {
    return Duration.ofDays(retentionDays);
  }

  /** InfluxDB at {@code url}, with the other InfluxDB options as they are. */
  public StoreOptions withInflux(String url) {
    return new StoreOptions(StoreBackend.Kind.INFLUX, shards, influx.withUrl(url), retentionDays, retentionCheckInterval);
  }

  public StoreOptions withInfluxSettings(InfluxSettings settings) {
    return new StoreOptions(kind, shards, settings, retentionDays, retentionCheckInterval);
  }

  public StoreOptions withKind(StoreBackend.Kind storeKind) {
    return new StoreOptions(storeKind, shards, influx, retentionDays, retentionCheckInterval);
  }

  public StoreOptions withRetention(int days, Duration checkInterval) {
    return new StoreOptions(kind, shards, influx, days, checkInterval);
  }
}
