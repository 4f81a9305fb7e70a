package org.telemetryhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.store.sqlite.SqliteReadingStore;

/** The raw-store reference writes through the hub's own store, and every reading it counts is stored. */
class RawStoreBenchmarkTest {

  @TempDir
  Path dir;

  @Test
  void everyReadingItCountsIsInTheStore() throws Exception {
    long written = RawStoreBenchmark.run(dir, Duration.ofMillis(300), 300, 3);
    assertTrue(written >= 300, "at least one batch: " + written);
    long stored = 0;
    try (SqliteReadingStore store = SqliteReadingStore.open(dir)) {
      for (int device = 0; device < 3; device++) {
        stored += store.query("dev-" + device, 0, Long.MAX_VALUE, Integer.MAX_VALUE).size();
      }
    }
    assertEquals(written, stored);
  }
}
