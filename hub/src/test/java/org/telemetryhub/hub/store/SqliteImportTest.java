package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.backend.StoreBackend;
import org.telemetryhub.hub.store.rocksdb.RocksReadingStore;
import org.telemetryhub.hub.store.rocksdb.SqliteImport;
import org.telemetryhub.hub.store.sqlite.ShardedSqliteStore;

/** A hub that moves from the SQLite store to RocksDB keeps every reading; one that moves back is stopped. */
class SqliteImportTest {

  @TempDir
  Path dataDir;

  @Test
  void everyReadingOfEveryShardIsCopiedOnceAndTheFilesAreSetAside() throws Exception {
    List<Reading> written = new ArrayList<>();
    for (int i = 0; i < 120_000; i++) { // more than one chunk for dev-a
      written.add(new Reading(i % 4 == 0 ? "dev-b" : i % 4 == 1 ? "dev-c" : "dev-a", 1_000 + i, i % 100 * 0.5f, 40f, 1000.25f));
    }
    try (ShardedSqliteStore sqlite = ShardedSqliteStore.open(dataDir, 3)) {
      sqlite.write(written);
    }
    try (RocksReadingStore rocks = RocksReadingStore.open(dataDir, 2)) {
      assertEquals(120_000, SqliteImport.run(dataDir, rocks));
      assertEquals(60_000, rocks.count("dev-a", 0, Long.MAX_VALUE));
      assertEquals(30_000, rocks.count("dev-b", 0, Long.MAX_VALUE));
      assertEquals(written.get(5), rocks.query("dev-c", 1_005, 1_005, 1).get(0), "values and time as written");
      assertEquals(1_000 + 119_997, rocks.latestTimestamp("dev-c"));
      assertEquals(0, SqliteImport.run(dataDir, rocks), "copied once: the SQLite files are set aside");
    }
    assertFalse(ShardedSqliteStore.existsIn(dataDir));
    assertTrue(Files.exists(dataDir.resolve("readings-0-of-3.db.migrated")));
  }

  @Test
  void theSqliteStoreRefusesADirectoryThatHoldsRocksDb() throws Exception {
    try (RocksReadingStore rocks = RocksReadingStore.open(dataDir, 1)) {
      rocks.write(List.of(new Reading("a", 1, 1f, 1f, 1000f)));
    }
    StoreBackend.Choice sqlite = new StoreBackend.Choice(StoreBackend.Kind.SQLITE, dataDir, 2, null, null, Duration.ofDays(30), "n1");
    StoreException e = assertThrows(StoreException.class, () -> StoreBackend.open(null, sqlite));
    assertTrue(e.getMessage().contains("--store rocksdb"), e.getMessage());
    assertFalse(ShardedSqliteStore.existsIn(dataDir), "no SQLite file was created");
  }
}
