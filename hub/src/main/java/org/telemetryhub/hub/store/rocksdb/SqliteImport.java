package org.telemetryhub.hub.store.rocksdb;

import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.store.sqlite.ShardedSqliteStore;

/**
 * Moves the readings of a SQLite store in the data directory into the RocksDB store beside it, once:
 * a hub that switches to RocksDB keeps its history. The SQLite files are renamed to
 * {@code *.migrated} only after every reading was written (and synced) to RocksDB; a crash before
 * that repeats the copy at the next start, which writes the same (device, ts) keys again.
 */
public final class SqliteImport {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteImport.class);
  /** Readings read and written at a time: a few megabytes of heap. */
  static final int CHUNK = 50_000;

  private SqliteImport() {
  }

  /** Copies the SQLite store in {@code dataDir}, when there is one, into {@code target}; returns how many readings. */
  public static long run(Path dataDir, RocksReadingStore target) throws StoreException {
    if (!ShardedSqliteStore.existsIn(dataDir)) {
      return 0;
    }
    long started = System.nanoTime();
    long copied = 0;
    ShardedSqliteStore source = ShardedSqliteStore.open(dataDir, 1);
    try {
      List<Reading> devices = source.latestReadings();
      LOG.info("copying the SQLite store in {} ({} devices) into {}", dataDir, devices.size(), target.describe());
      for (Reading newest : devices) {
        String device = newest.device();
        long from = Long.MIN_VALUE;
        List<Reading> chunk;
        do {
          chunk = source.query(device, from, Long.MAX_VALUE, CHUNK);
          if (!chunk.isEmpty()) {
            target.write(chunk);
            copied += chunk.size();
            from = chunk.get(chunk.size() - 1).ts() + 1;
          }
        } while (chunk.size() == CHUNK);
      }
    } catch (StoreException | RuntimeException e) {
      source.close();
      throw e;
    }
    source.closeAsMigrated();
    LOG.info("copied {} readings from the SQLite store into RocksDB in {} ms; its files are kept as *.migrated "
        + "(delete them when you no longer need them)", copied, (System.nanoTime() - started) / 1_000_000);
    return copied;
  }
}
