package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.rocksdb.RocksReadingStore;

/** The embedded store on a real RocksDB database: the same promises as the SQLite one. */
class RocksReadingStoreTest {

  @TempDir
  Path dataDir;

  @Test
  void writesUpsertsAndQueriesOldestFirst() throws Exception {
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 2)) {
      store.write(List.of(
          new Reading("a", 30, 3f, 30f, 1003f),
          new Reading("a", 10, 1f, 10f, 1001f),
          new Reading("b", 10, 9f, 90f, 1009f),
          new Reading("a", 20, 2.1f, 20f, 1002f)));
      store.write(List.of(new Reading("a", 20, 2.2f, 22f, 1002.5f))); // the same (device, ts) again

      assertEquals(List.of(
          new Reading("a", 10, 1f, 10f, 1001f),
          new Reading("a", 20, 2.2f, 22f, 1002.5f),
          new Reading("a", 30, 3f, 30f, 1003f)), store.query("a", 0, 100, 10), "one row per (device, ts), last write wins, oldest first");
      assertEquals(List.of(new Reading("a", 20, 2.2f, 22f, 1002.5f)), store.query("a", 20, 20, 10), "bounds inclusive");
      assertEquals(2, store.query("a", 0, 100, 2).size());
      assertEquals(List.of(), store.query("a", 31, 100, 10));
      assertEquals(2, store.count("a", 15, 30));
      assertEquals(0, store.count("c", 0, 100));
      assertTrue(store.hasReadings("b"));
      assertFalse(store.hasReadings("c"));
      assertEquals(30, store.latestTimestamp("a"));
      assertEquals(10, store.latestTimestamp("b"));
      assertEquals(-1, store.latestTimestamp("c"));
      assertEquals(2, store.writeLanes());
    }
  }

  /** Ids that are prefixes of each other ("d1", "d10") keep their readings apart. */
  @Test
  void devicesWhoseIdsArePrefixesOfOthersStayApart() throws Exception {
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 1)) {
      store.write(List.of(
          new Reading("d1", 5, 1f, 1f, 1000f),
          new Reading("d10", 3, 10f, 1f, 1000f),
          new Reading("d1.x", 7, 11f, 1f, 1000f),
          new Reading("d1", 6, 2f, 1f, 1000f)));
      assertEquals(2, store.query("d1", 0, Long.MAX_VALUE, 100).size());
      assertEquals(6, store.latestTimestamp("d1"));
      assertEquals(3, store.latestTimestamp("d10"));
      assertEquals(1, store.count("d10", 0, 100));
      assertFalse(store.hasReadings("d"));
      assertEquals(List.of(
          new Reading("d1", 6, 2f, 1f, 1000f),
          new Reading("d1.x", 7, 11f, 1f, 1000f),
          new Reading("d10", 3, 10f, 1f, 1000f)),
          store.latestReadings().stream().sorted(Comparator.comparing(Reading::device)).toList(), "the newest reading of each device");
    }
  }

  /** The raw bits of every value come back, -0.0 and the smallest float among them. */
  @Test
  void float32ValuesSurviveBitForBit() throws Exception {
    List<Reading> odd = List.of(
        new Reading("f", 1, -0.0f, Float.MIN_VALUE, 1013.1f),
        new Reading("f", 2, 0.1f, 99.99999f, 300.00003f),
        new Reading("f", 3, -99.99f, 1e-7f, 1099.9999f));
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 1)) {
      store.write(odd);
      List<Reading> back = store.query("f", 0, 10, 10);
      for (int i = 0; i < odd.size(); i++) {
        assertEquals(Float.floatToRawIntBits(odd.get(i).temperature()), Float.floatToRawIntBits(back.get(i).temperature()));
        assertEquals(Float.floatToRawIntBits(odd.get(i).humidity()), Float.floatToRawIntBits(back.get(i).humidity()));
        assertEquals(Float.floatToRawIntBits(odd.get(i).pressure()), Float.floatToRawIntBits(back.get(i).pressure()));
      }
    }
  }

  @Test
  void committedBatchesSurviveReopening() throws Exception {
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 1)) {
      store.write(List.of(new Reading("a", 1, 1f, 1f, 1000f), new Reading("b", 4_000_000_000L, 2f, 2f, 1000f)));
    }
    assertTrue(RocksReadingStore.existsIn(dataDir));
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 1)) {
      assertEquals(1, store.query("a", 0, 10, 10).size());
      assertEquals(4_000_000_000L, store.latestTimestamp("b"), "a timestamp past 2038 (the wire's uint32)");
      assertEquals(2, store.latestReadings().size());
    }
  }

  @Test
  void retentionDeletesOnlyOlderReadingsAndCountsThem() throws Exception {
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 1)) {
      List<Reading> batch = new ArrayList<>();
      for (int i = 0; i < 25_000; i++) {
        batch.add(new Reading("d" + (i % 3), i, 20f, 50f, 1000f));
      }
      store.write(batch);
      assertEquals(20_000, store.deleteOlderThan(20_000));
      assertEquals(0, store.deleteOlderThan(20_000));
      assertEquals(5000, store.count("d0", 0, 100_000) + store.count("d1", 0, 100_000) + store.count("d2", 0, 100_000));
      assertEquals(20_000, store.query("d2", 0, 100_000, 1).get(0).ts(), "the reading at the cutoff stays");
      assertEquals(20_001, store.query("d0", 0, 100_000, 1).get(0).ts());
    }
  }

  /** Each lane writes its own devices at the same time; every reading arrives once. */
  @Test
  void lanesWriteAtTheSameTime() throws Exception {
    int lanes = 4;
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, lanes)) {
      ExecutorService threads = Executors.newFixedThreadPool(lanes);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
          String device = "lane-" + lane;
          writers.add(threads.submit(() -> {
            for (int b = 0; b < 50; b++) {
              List<Reading> batch = new ArrayList<>();
              for (int i = 0; i < 100; i++) {
                batch.add(new Reading(device, b * 100L + i, 1f, 1f, 1000f));
              }
              store.write(batch);
            }
            return null;
          }));
        }
        for (Future<?> writer : writers) {
          writer.get();
        }
      } finally {
        threads.shutdown();
      }
      for (int lane = 0; lane < lanes; lane++) {
        assertEquals(5000, store.count("lane-" + lane, 0, Long.MAX_VALUE));
      }
    }
  }

  /** A call after close is an error the caller sees, not a crash of the process in native code. */
  @Test
  void aClosedStoreThrows() throws Exception {
    RocksReadingStore store = RocksReadingStore.open(dataDir, 1);
    store.write(List.of(new Reading("a", 1, 1f, 1f, 1000f)));
    store.close();
    store.close();
    StoreException e = assertThrows(StoreException.class, () -> store.write(List.of(new Reading("a", 2, 1f, 1f, 1000f))));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(StoreException.class, () -> store.query("a", 0, 10, 10));
    assertThrows(StoreException.class, store::latestReadings);
  }

  /** A second hub on the same data directory is refused with a message that says why. */
  @Test
  void aDirectoryInUseIsAClearError() throws Exception {
    try (RocksReadingStore store = RocksReadingStore.open(dataDir, 1)) {
      StoreException e = assertThrows(StoreException.class, () -> RocksReadingStore.open(dataDir, 1));
      assertTrue(e.getMessage().contains(dataDir.toString()), e.getMessage());
    }
  }
}
