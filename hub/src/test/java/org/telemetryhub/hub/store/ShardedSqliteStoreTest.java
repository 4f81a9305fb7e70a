package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.sqlite.ShardedSqliteStore;
import org.telemetryhub.hub.store.sqlite.SqliteReadingStore;

/** The embedded store spread over shard files, on real SQLite files. */
class ShardedSqliteStoreTest {

  @TempDir
  Path dataDir;

  private static List<Reading> readingsOf(String device, long fromTs, int count) {
    List<Reading> readings = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      readings.add(new Reading(device, fromTs + i, 20f + i % 7, 50f, 1000f));
    }
    return readings;
  }

  @Test
  void devicesSpreadOverTheShardsAndEachOneHasItsWholeHistoryInOne() throws Exception {
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 4)) {
      assertEquals(4, store.writeLanes());
      Set<Integer> lanes = new HashSet<>();
      for (int d = 1; d <= 40; d++) {
        String device = String.format("dev-%04d", d);
        lanes.add(store.laneOf(device));
        store.write(readingsOf(device, 1000, 5));
      }
      assertEquals(Set.of(0, 1, 2, 3), lanes, "forty neighbouring ids use every shard");
      for (int i = 0; i < 4; i++) {
        assertTrue(Files.exists(ShardedSqliteStore.shardFile(dataDir, i, 4)));
      }
      assertEquals(readingsOf("dev-0007", 1000, 5), store.query("dev-0007", 0, 5000, 100));
      assertEquals(1004, store.latestTimestamp("dev-0031"));
      assertTrue(store.hasReadings("dev-0040"));
      assertFalse(store.hasReadings("dev-0041"));

      store.write(List.of(new Reading("dev-0007", 1002, 99f, 1f, 999f))); // the same (device, ts) again
      assertEquals(new Reading("dev-0007", 1002, 99f, 1f, 999f), store.query("dev-0007", 1002, 1002, 10).get(0));
      assertEquals(5, store.query("dev-0007", 0, 5000, 100).size(), "one row per (device, ts)");

      List<Reading> newest = store.latestReadings();
      assertEquals(40, newest.size(), "the newest reading of each of the forty devices");
      assertTrue(newest.contains(readingsOf("dev-0031", 1000, 5).get(4)), newest.toString());
    }
  }

  @Test
  void aMixedBatchIsWrittenToTheShardOfEachDevice() throws Exception {
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 3)) {
      List<Reading> mixed = new ArrayList<>();
      for (int d = 0; d < 12; d++) {
        mixed.addAll(readingsOf("m" + d, 1, 2));
      }
      store.write(mixed);
      for (int d = 0; d < 12; d++) {
        assertEquals(readingsOf("m" + d, 1, 2), store.query("m" + d, 0, 10, 10));
      }
    }
  }

  @Test
  void retentionDeletesOldReadingsInEveryShard() throws Exception {
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 3)) {
      for (int d = 0; d < 12; d++) {
        store.write(readingsOf("r" + d, 100, 10)); // ts 100 to 109
      }
      assertEquals(12 * 5, store.deleteOlderThan(105));
      for (int d = 0; d < 12; d++) {
        assertEquals(105, store.query("r" + d, 0, 1000, 100).get(0).ts());
      }
    }
  }

  @Test
  void theShardCountIsKeptWhenTheDirectoryIsOpenedWithAnother() throws Exception {
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 2)) {
      store.write(readingsOf("k", 1, 3));
    }
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 8)) {
      assertEquals(2, store.writeLanes(), "the files say 2");
      assertEquals(readingsOf("k", 1, 3), store.query("k", 0, 10, 10));
    }
  }

  @Test
  void shardFilesOfTwoCountsAreAClearError() throws Exception {
    ShardedSqliteStore.open(dataDir, 2).close();
    Files.createFile(ShardedSqliteStore.shardFile(dataDir, 0, 3));
    StoreException refused = assertThrows(StoreException.class, () -> ShardedSqliteStore.open(dataDir, 2));
    assertTrue(refused.getMessage().contains("different counts"), refused.getMessage());
  }

  /** A data directory of an earlier version (one readings.db, schema 2) is moved into the shards on open. */
  @Test
  void aSingleFileStoreIsMigratedIntoTheShardsWithEveryReading() throws Exception {
    try (SqliteReadingStore single = SqliteReadingStore.open(dataDir)) {
      for (int d = 0; d < 20; d++) {
        single.write(readingsOf("old-" + d, 1_000, 30));
      }
      single.write(readingsOf("big", 5_000, 120_000)); // more than one migration chunk
    }
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 3)) {
      for (int d = 0; d < 20; d++) {
        assertEquals(readingsOf("old-" + d, 1_000, 30), store.query("old-" + d, 0, 10_000, 100));
      }
      assertEquals(120_000, store.query("big", 0, Long.MAX_VALUE, 1_000_000).size());
      assertEquals(5_000 + 119_999, store.latestTimestamp("big"));
      store.write(readingsOf("old-3", 1_029, 2)); // upsert onto a migrated row, and a new one
      assertEquals(31, store.query("old-3", 0, 10_000, 100).size());
    }
    assertFalse(Files.exists(dataDir.resolve(SqliteReadingStore.FILE_NAME)), "moved out of the way");
    assertTrue(Files.exists(dataDir.resolve(SqliteReadingStore.FILE_NAME + ".migrated")), "kept for the operator");
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 3)) {
      assertEquals(30, store.query("old-0", 0, 10_000, 100).size(), "opening again changes nothing");
    }
  }

  /** Schema 1 (device names in the key) goes through both migrations on one open. */
  @Test
  void aSchemaOneFileIsMigratedIntoTheShards() throws Exception {
    SqliteReadingStoreTest.writeSchemaOneFile(dataDir, "('a', 1, 1.5, 10.0, 1001.0), ('b', 1, -3.0, 30.0, 1003.0)");
    try (ShardedSqliteStore store = ShardedSqliteStore.open(dataDir, 2)) {
      assertEquals(List.of(new Reading("a", 1, 1.5f, 10f, 1001f)), store.query("a", 0, 10, 10));
      assertEquals(List.of(new Reading("b", 1, -3f, 30f, 1003f)), store.query("b", 0, 10, 10));
    }
  }
}
