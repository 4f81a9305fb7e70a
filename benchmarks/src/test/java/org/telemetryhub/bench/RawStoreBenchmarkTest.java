package org.telemetryhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.hub.store.ReadingStore;

/** The raw-store reference writes through the hub's own store, and every reading it counts is stored. */
class RawStoreBenchmarkTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "sqlite"})
  void everyReadingItCountsIsInTheStore(String engine) throws Exception {
    long written = RawStoreBenchmark.run(dir, Duration.ofMillis(300), 300, 3, engine);
    assertTrue(written >= 300, "at least one batch: " + written);
    long stored = 0;
    try (ReadingStore store = RawStoreBenchmark.open(dir, engine)) {
      for (int device = 0; device < 3; device++) {
        stored += store.query("dev-" + device, 0, Long.MAX_VALUE, Integer.MAX_VALUE).size();
      }
    }
    assertEquals(written, stored);
  }
}
