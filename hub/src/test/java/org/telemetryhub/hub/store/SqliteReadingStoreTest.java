package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.sqlite.SqliteReadingStore;

/** The embedded store on a real SQLite file. */
class SqliteReadingStoreTest {

  @TempDir
  Path dataDir;

  @Test
  void writesUpsertsAndQueriesOldestFirst() throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      store.write(List.of(
          new Reading("a", 30, 3f, 30f, 1003f),
          new Reading("a", 10, 1f, 10f, 1001f),
          new Reading("b", 10, 9f, 90f, 1009f),
          new Reading("a", 20, 2.1f, 20f, 1002f)));
      store.write(List.of(new Reading("a", 20, 2.2f, 22f, 1002.5f))); // the same (device, ts) again

      List<Reading> a = store.query("a", 0, 100, 10);
      assertEquals(List.of(
          new Reading("a", 10, 1f, 10f, 1001f),
          new Reading("a", 20, 2.2f, 22f, 1002.5f),
          new Reading("a", 30, 3f, 30f, 1003f)), a, "one row per (device, ts), last write wins, oldest first");
      assertEquals(List.of(new Reading("a", 20, 2.2f, 22f, 1002.5f)), store.query("a", 20, 20, 10), "bounds inclusive");
      assertEquals(2, store.query("a", 0, 100, 2).size());
      assertTrue(store.hasReadings("b"));
      assertFalse(store.hasReadings("c"));
      assertEquals(30, store.latestTimestamp("a"));
      assertEquals(10, store.latestTimestamp("b"));
      assertEquals(-1, store.latestTimestamp("c"));
    }
  }

  @Test
  void float32ValuesSurviveExactly() throws Exception {
    List<Reading> odd = List.of(
        new Reading("f", 1, 0.0f, Float.MIN_VALUE, 1013.1f),
        new Reading("f", 2, 0.1f, 99.99999f, 300.00003f),
        new Reading("f", 3, -99.99f, 1e-7f, 1099.9999f));
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      store.write(odd);
      List<Reading> back = store.query("f", 0, 10, 10);
      for (int i = 0; i < odd.size(); i++) {
        assertEquals(Float.floatToRawIntBits(odd.get(i).temperature()), Float.floatToRawIntBits(back.get(i).temperature()));
        assertEquals(Float.floatToRawIntBits(odd.get(i).humidity()), Float.floatToRawIntBits(back.get(i).humidity()));
        assertEquals(Float.floatToRawIntBits(odd.get(i).pressure()), Float.floatToRawIntBits(back.get(i).pressure()));
      }
    }
  }

  /** SQLite keeps no sign on a zero: -0.0 comes back as 0.0, the same number (documented in docs/architecture.md). */
  @Test
  void negativeZeroComesBackAsZero() throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      store.write(List.of(new Reading("z", 1, -0.0f, 50f, 1000f)));
      float back = store.query("z", 0, 10, 10).get(0).temperature();
      assertEquals(0, Float.compare(0.0f, back));
    }
  }

  @Test
  void committedBatchesSurviveReopening() throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      store.write(List.of(new Reading("a", 1, 1f, 1f, 1000f)));
    }
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      assertEquals(1, store.query("a", 0, 10, 10).size());
    }
  }

  @Test
  void retentionDeletesOnlyOlderReadingsInChunks() throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      List<Reading> batch = new ArrayList<>();
      for (int i = 0; i < 25_000; i++) {
        batch.add(new Reading("d" + (i % 3), i, 20f, 50f, 1000f));
      }
      store.write(batch);
      assertEquals(20_000, store.deleteOlderThan(20_000));
      assertEquals(0, store.deleteOlderThan(20_000));
      assertEquals(5000, store.query("d0", 0, 100_000, 10_000).size()
          + store.query("d1", 0, 100_000, 10_000).size() + store.query("d2", 0, 100_000, 10_000).size());
    }
  }

  /** A device first seen in a batch that fails must not keep an id that was rolled back with it. */
  @Test
  void aDeviceFirstSeenInAFailedBatchIsStoredWhenItsReadingsComeAgain() throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      store.write(List.of(new Reading("old", 1, 1f, 1f, 1000f)));
      // NaN is stored as NULL, which the schema refuses: the whole batch rolls back.
      assertThrows(StoreException.class, () -> store.write(List.of(
          new Reading("new", 1, 1f, 1f, 1000f), new Reading("new", 2, Float.NaN, 1f, 1000f))));
      assertFalse(store.hasReadings("new"));
      store.write(List.of(new Reading("new", 1, 1f, 1f, 1000f), new Reading("newer", 1, 2f, 2f, 1000f)));
      assertEquals(List.of(new Reading("new", 1, 1f, 1f, 1000f)), store.query("new", 0, 10, 10));
      assertEquals(List.of(new Reading("newer", 1, 2f, 2f, 1000f)), store.query("newer", 0, 10, 10));
      assertEquals(1, store.query("old", 0, 10, 10).size());
    }
  }

  /** A file written by a hub with schema 1 (device names in the key, no version) is migrated on open. */
  @Test
  void aSchemaOneFileIsMigratedWithEveryReading() throws Exception {
    writeSchemaOneFile(dataDir, "('a', 1, 1.5, 10.0, 1001.0), ('a', 2, 2.5, 20.0, 1002.0), ('b', 1, -3.0, 30.0, 1003.0)");
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      assertEquals(List.of(new Reading("a", 1, 1.5f, 10f, 1001f), new Reading("a", 2, 2.5f, 20f, 1002f)),
          store.query("a", 0, 10, 10));
      assertEquals(List.of(new Reading("b", 1, -3f, 30f, 1003f)), store.query("b", 0, 10, 10));
      store.write(List.of(new Reading("a", 2, 9f, 90f, 1009f), new Reading("c", 5, 5f, 50f, 1005f)));
      assertEquals(new Reading("a", 2, 9f, 90f, 1009f), store.query("a", 2, 2, 10).get(0), "upserts onto migrated rows");
      assertTrue(store.hasReadings("c"));
    }
    try (SqliteReadingStore store = SqliteReadingStore.open(dataDir)) {
      assertEquals(2, store.query("a", 0, 10, 10).size(), "opening again changes nothing");
    }
  }

  /** Writes readings.db as a hub with schema 1 did: device names in the key, an index on ts, no version. */
  static void writeSchemaOneFile(Path dataDir, String rows) throws Exception {
    Files.createDirectories(dataDir);
    try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteReadingStore.FILE_NAME));
         Statement statement = old.createStatement()) {
      statement.executeUpdate("""
          CREATE TABLE readings (device TEXT NOT NULL, ts INTEGER NOT NULL, temperature REAL NOT NULL,
            humidity REAL NOT NULL, pressure REAL NOT NULL, PRIMARY KEY (device, ts)) WITHOUT ROWID""");
      statement.executeUpdate("CREATE INDEX readings_by_ts ON readings (ts)");
      statement.executeUpdate("INSERT INTO readings VALUES " + rows);
    }
  }

  @Test
  void aFileFromANewerHubIsRefusedWithAClearMessage() throws Exception {
    Files.createDirectories(dataDir);
    try (Connection newer = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteReadingStore.FILE_NAME));
         Statement statement = newer.createStatement()) {
      statement.executeUpdate("PRAGMA user_version = 99");
    }
    StoreException refused = assertThrows(StoreException.class, () -> SqliteReadingStore.open(dataDir));
    assertTrue(refused.getMessage().contains("schema version 99"), refused.getMessage());
  }

  /** With checkpoints left to the caller, commits never checkpoint, and a checkpoint keeps the log bounded. */
  @Test
  void checkpointsKeepTheWriteAheadLogBoundedUnderSteadyWrites() throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.openFile(dataDir.resolve("shard.db"), true)) {
      store.resetLogPast(1024 * 1024);
      for (int batch = 0; batch < 40; batch++) {
        List<Reading> readings = new ArrayList<>();
        for (int device = 0; device < 200; device++) {
          readings.add(new Reading("d" + device, batch, 20f, 50f, 1000f)); // a page per device per commit
        }
        store.write(readings);
      }
      long grown = Files.size(store.walFile());
      assertTrue(grown > 1024 * 1024, "no commit checkpointed: the log grew to " + grown + " bytes");
      store.checkpoint();
      assertTrue(Files.size(store.walFile()) < 1024 * 1024, "reset by the checkpoint: " + Files.size(store.walFile()));
      assertEquals(40, store.query("d7", 0, 100, 100).size(), "and every reading is still there");
    }
  }

  /**
   * The write lane's checkpoint between batches keeps the log at the size of the readings between two
   * checkpoints, with no truncating checkpoint (which blocks commits): the log is started over, not grown.
   */
  @Test
  void aCheckpointBetweenBatchesStartsTheLogOver() throws Exception {
    long withCheckpoints = logAfterSteadyWrites(dataDir.resolve("checkpointed.db"), true);
    long without = logAfterSteadyWrites(dataDir.resolve("not-checkpointed.db"), false);
    assertTrue(withCheckpoints * 4 < without, "log with checkpoints between batches " + withCheckpoints
        + " bytes, without " + without);
  }

  /** Writes 40 batches of 200 devices (a checkpoint after each batch, if asked); the log's size. */
  private static long logAfterSteadyWrites(Path file, boolean checkpoints) throws Exception {
    try (SqliteReadingStore store = SqliteReadingStore.openFile(file, true)) {
      for (int batch = 0; batch < 40; batch++) {
        List<Reading> readings = new ArrayList<>();
        for (int device = 0; device < 200; device++) {
          readings.add(new Reading("d" + device, batch, 20f, 50f, 1000f));
        }
        store.write(readings);
        if (checkpoints) {
          store.checkpointAfter(1_000, 0);
        }
      }
      assertEquals(40, store.query("d7", 0, 100, 100).size(), "every reading is there");
      return Files.size(store.walFile());
    }
  }
}
