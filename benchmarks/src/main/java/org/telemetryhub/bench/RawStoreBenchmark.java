package org.telemetryhub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.store.rocksdb.RocksReadingStore;
import org.telemetryhub.hub.store.sqlite.SqliteReadingStore;

/**
 * The raw-store reference: an embedded store's own write path (a batch, one atomic write, one
 * sync) driven directly by one thread, without the network, with the hub's default batch size.
 * The engine is {@code rocksdb} (the default store) or {@code sqlite} (one file).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.telemetryhub.bench.RawStoreBenchmark \
 *     [seconds=20] [batch=2000] [devices=100] [engine=rocksdb]</pre>
 */
public final class RawStoreBenchmark {

  private RawStoreBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int devices = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    String engine = args.length > 3 ? args[3] : "rocksdb";
    if (!engine.equals("rocksdb") && !engine.equals("sqlite")) {
      System.err.println("engine must be rocksdb or sqlite, not " + engine);
      System.exit(2);
    }
    long written = run(Files.createTempDirectory("raw-store"), Duration.ofSeconds(seconds), batchSize, devices, engine);
    System.out.printf("raw store (%s): %d readings in %d s = %.0f readings/s (batch %d, %d devices)%n", engine, written, seconds,
        written / (double) seconds, batchSize, devices);
  }

  static ReadingStore open(Path dir, String engine) throws StoreException {
    return engine.equals("sqlite") ? SqliteReadingStore.open(dir) : RocksReadingStore.open(dir, 1);
  }

  /**
   * Writes batches of readings from {@code devices} devices into a store in {@code dir} for about
   * {@code duration}; returns how many readings were written.
   */
  static long run(Path dir, Duration duration, int batchSize, int devices, String engine) throws StoreException {
    long firstTs = Instant.now().getEpochSecond() - 20L * 86_400;
    long written = 0;
    try (ReadingStore store = open(dir, engine)) {
      long end = System.nanoTime() + duration.toNanos();
      long ts = firstTs;
      List<Reading> batch = new ArrayList<>(batchSize);
      while (System.nanoTime() < end) {
        batch.clear();
        for (int i = 0; i < batchSize; i++) {
          if (i % devices == 0) {
            ts++;
          }
          batch.add(new Reading("dev-" + (i % devices), ts, 20f + i % 10 * 0.1f, 50f, 1013.25f));
        }
        store.write(batch);
        written += batchSize;
      }
    }
    return written;
  }
}
