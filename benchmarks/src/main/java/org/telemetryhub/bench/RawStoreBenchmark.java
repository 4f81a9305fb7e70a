package org.telemetryhub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.store.sqlite.SqliteReadingStore;

/**
 * The raw-store reference: the embedded store's own insert path (a batch, one transaction, one
 * fsync) driven directly, without the network, with the hub's default batch size.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.telemetryhub.bench.RawStoreBenchmark [seconds=20] [batch=2000] [devices=100]</pre>
 */
public final class RawStoreBenchmark {

  private RawStoreBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int devices = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    long written = run(Files.createTempDirectory("raw-store"), Duration.ofSeconds(seconds), batchSize, devices);
    System.out.printf("raw store: %d readings in %d s = %.0f readings/s (batch %d)%n", written, seconds,
        written / (double) seconds, batchSize);
  }

  /**
   * Writes batches of readings from {@code devices} devices into a store in {@code dir} for about
   * {@code duration}; returns how many readings were written.
   */
  static long run(Path dir, Duration duration, int batchSize, int devices) throws StoreException {
    long firstTs = Instant.now().getEpochSecond() - 20L * 86_400;
    long written = 0;
    try (SqliteReadingStore store = SqliteReadingStore.open(dir)) {
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
